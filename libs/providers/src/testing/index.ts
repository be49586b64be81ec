// What tests may reach into beyond the public surface (`#monay/providers/testing`): never imported by
// production code (dependency-cruiser's not-to-test-code rule).
export { SandboxControl } from '../sandbox/sandbox-control';
export type { SandboxSettings, SandboxSettingsChange } from '../sandbox/sandbox-settings';
