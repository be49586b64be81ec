import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BankingModule } from '#monay/banking';
import { CardsModule } from '#monay/cards';
import { IdentityModule, JwtAuthGuard, RolesGuard } from '#monay/identity';
import { InsightsModule } from '#monay/insights';
import { KycModule } from '#monay/kyc';
import { LedgerModule } from '#monay/ledger';
import { NotificationsModule } from '#monay/notifications';
import { ProvidersModule } from '#monay/providers';
import { RealtimeModule } from '#monay/realtime';
import { RewardsModule } from '#monay/rewards';
import { TransfersModule } from '#monay/transfers';
import { WalletModule } from '#monay/wallet';
import { AppConfig, CoreModule, DevToolsModule, HttpPlatformModule } from '#monay/shared';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, { processors: config.jobsInProcess, relay: config.outboxRelay === 'api' }),
        HttpPlatformModule,
        DevToolsModule.forRoot(config),
        IdentityModule,
        LedgerModule,
        WalletModule,
        KycModule,
        BankingModule,
        CardsModule,
        TransfersModule,
        ProvidersModule,
        InsightsModule,
        NotificationsModule,
        RewardsModule,
        RealtimeModule,
      ],
      // After the rate limiter (HttpPlatformModule's guard), every route needs a token unless @Public().
      providers: [
        { provide: APP_GUARD, useExisting: JwtAuthGuard },
        { provide: APP_GUARD, useExisting: RolesGuard },
      ],
    };
  }
}
