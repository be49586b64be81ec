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
 * The job processors alone, without HTTP. Several workers may run at once; BullMQ gives each job to one. With
 * `OUTBOX_RELAY=worker` the workers also run the outbox relay and its consumers (SKIP LOCKED keeps them apart); by
 * default the APIs relay. Sockets are fed apart from the relay: each API reads the outbox for its own (RealtimeAnnouncer).
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(config, { processors: true, relay: config.outboxRelay === 'worker' }),
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
