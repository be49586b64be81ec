import { WalletReports } from './application/wallet-reports';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { OnboardConsumerHandler } from './application/commands/onboard-consumer/onboard-consumer.handler';
import { UpdateLimitsHandler } from './application/commands/update-limits/update-limits.handler';
import { UpdatePreferencesHandler } from './application/commands/update-preferences/update-preferences.handler';
import { GetBalanceHandler } from './application/queries/get-balance/get-balance.handler';
import { GetLimitsHandler } from './application/queries/get-limits/get-limits.handler';
import { GetAutoConvertingUsersHandler } from './application/queries/get-auto-converting-users/get-auto-converting-users.handler';
import { GetPreferencesHandler } from './application/queries/get-preferences/get-preferences.handler';
import { WalletAccess } from './application/wallet-access';
import { ConsumerPreferencesOrmEntity, WalletOrmEntity } from './infrastructure/wallet.orm-entity';
import { WalletRepository } from './infrastructure/wallet.repository';
import { ConsumerController } from './interface/http/consumer.controller';
import { WalletController } from './interface/http/wallet.controller';

@Module({
  imports: [
    LedgerModule,
    IdentityModule,
    TypeOrmModule.forFeature([WalletOrmEntity, ConsumerPreferencesOrmEntity]),
  ],
  controllers: [ConsumerController, WalletController],
  providers: [
    WalletReports,
    WalletRepository,
    WalletAccess,
    OnboardConsumerHandler,
    UpdateLimitsHandler,
    UpdatePreferencesHandler,
    GetBalanceHandler,
    GetLimitsHandler,
    GetPreferencesHandler,
    GetAutoConvertingUsersHandler,
  ],
  exports: [WalletAccess, WalletReports],
})
export class WalletModule {}
