import type { AppConfig } from '../config/app-config';
import { SandboxClockController } from '../time/sandbox-clock.controller';
import { DevToolsModule } from './dev-tools.module';

describe('DevToolsModule', () => {
  it('registers the sandbox routes outside production only', () => {
    const dev = DevToolsModule.forRoot({ env: 'development' } as AppConfig);
    const prod = DevToolsModule.forRoot({ env: 'production' } as AppConfig);
    expect(dev.controllers).toContain(SandboxClockController);
    expect(prod.controllers).toEqual([]);
  });
});
