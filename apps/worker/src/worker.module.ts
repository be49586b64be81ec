import { DynamicModule, Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { InsightsModule } from '#monay/insights';
import { LedgerModule } from '#monay/ledger';
import { AppConfig, CoreModule } from '#monay/shared';

/** The job processors and the outbox relay with its projections, without HTTP. Several workers may run at once; BullMQ gives each job to one. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, { processors: true }),
        IdentityModule,
        LedgerModule,
        InsightsModule,
      ],
    };
  }
}
