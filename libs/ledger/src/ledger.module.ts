import { Module } from '@nestjs/common';
import { LedgerService } from './application/ledger.service';
import { HoldExpiryProcessor } from './infrastructure/hold-expiry.processor';
import { LedgerRepository } from './infrastructure/ledger.repository';

/** The ledger: accounts, journal, holds and balances. Other contexts use {@link LedgerService} in their own transactions. */
@Module({
  providers: [LedgerRepository, LedgerService, HoldExpiryProcessor],
  exports: [LedgerService],
})
export class LedgerModule {}
