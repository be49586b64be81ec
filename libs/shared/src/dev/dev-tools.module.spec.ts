import type { AppConfig } from '../config/app-config';
import { SandboxClockController } from '../time/sandbox-clock.controller';
import { DevMailboxController } from './dev-mailbox.controller';
import { DevToolsModule } from './dev-tools.module';

describe('DevToolsModule', () => {
  it('registers the sandbox clock and the dev mailbox outside production only', () => {
    for (const env of ['development', 'test'] as const) {
      const module = DevToolsModule.forRoot({ env } as AppConfig);
      expect(module.controllers).toEqual([SandboxClockController, DevMailboxController]);
    }
    const prod = DevToolsModule.forRoot({ env: 'production' } as AppConfig);
    expect(prod.controllers).toEqual([]);
  });
});
