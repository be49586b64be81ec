// Three levels (STYLE.md, Tests): unit specs beside the code, integration specs against a real
// database, end-to-end specs in test/ against the booted app. Source is loaded through the
// `monay-src` condition of package.json "imports", so tests run on TypeScript, never on dist/.
// Run Jest as package.json's test scripts do (`npm run jest -- …`): under `node --liftoff-only`,
// which its workers inherit (README, Development).
const base = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['monay-src', 'node', 'node-addons'] },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  rootDir: __dirname,
};

module.exports = {
  // Integration and end-to-end suites boot databases and apps; a test that takes a minute is broken anyway.
  testTimeout: 60_000,
  // A worker keeps something of each finished file (50-100 MB of heap per file; what, not pinned down): over the
  // 38 files a worker runs, its heap reached ~2.9 GB and late files ran 4-5x slower than alone. A worker whose
  // heap passes this after a file is replaced by a fresh one (--runInBand runs are not affected).
  workerIdleMemoryLimit: '512MB',
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    // The web console in Debian's Chromium (playwright-core) against the booted API; skipped, saying so, without
    // Chromium. Part of `npm test` after e2e; `npm run screenshots` also writes docs/screenshots.
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
    // `npm run test:chaos` only (never part of `npm test`): faults injected into the built API on disposable
    // PostgreSQL and Redis servers, fuzzing and the authorization matrix. See README, Reliability.
    {
      ...base,
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
      globalSetup: '<rootDir>/test/chaos/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/chaos/support/global-teardown.ts',
    },
    // `npm run test:chain` only (never part of `npm test`): on-chain mode against anvil (each file starts its own
    // node on a free port and deploys the contracts). See README, On-chain mode.
    { ...base, displayName: 'chain', testMatch: ['<rootDir>/test/chain/**/*.chain-spec.ts'] },
  ],
};
