import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { SandboxClockController } from '../time/sandbox-clock.controller';
import { DevMailboxController } from './dev-mailbox.controller';

/**
 * Development and sandbox routes — the sandbox clock and the dev mailbox: registered only outside production.
 * `NODE_ENV=production` never has them, so they cannot be reached there at all (404, not 403).
 */
@Module({})
export class DevToolsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DevToolsModule,
      controllers: config.env === 'production' ? [] : [SandboxClockController, DevMailboxController],
    };
  }
}
