import { DynamicModule, Module } from '@nestjs/common';
import { BankingModule } from '#monay/banking';
import { IdentityModule } from '#monay/identity';
import { InsightsModule } from '#monay/insights';
import { CardsModule } from '#monay/cards';
import { KycModule } from '#monay/kyc';
import { LedgerModule } from '#monay/ledger';
import { NotificationsModule } from '#monay/notifications';
import { ProvidersModule } from '#monay/providers';
import { AppConfig, CoreModule } from '#monay/shared';
import { RewardsModule } from '#monay/rewards';
import { TransfersModule } from '#monay/transfers';

/**
 * The job processors alone, without HTTP. The outbox relay (and the projections it feeds) runs in the API
 * processes, next to their sockets. Several workers may run at once; BullMQ gives each job to one.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, { processors: true, relay: false }),
        IdentityModule,
        LedgerModule,
        InsightsModule,
        KycModule,
        BankingModule,
        CardsModule,
        NotificationsModule,
        TransfersModule,
        ProvidersModule,
        RewardsModule,
      ],
    };
  }
}
