import { Module } from '@nestjs/common';
import { LedgerSealer } from './application/ledger-sealer';
import { LedgerService } from './application/ledger.service';
import { HoldExpiryProcessor } from './infrastructure/hold-expiry.processor';
import { LedgerSealProcessor } from './infrastructure/ledger-seal.processor';
import { LedgerSealRepository } from './infrastructure/ledger-seal.repository';
import { LedgerRepository } from './infrastructure/ledger.repository';
import { AdminLedgerController } from './interface/http/admin-ledger.controller';

/**
 * The ledger: accounts, journal, holds and balances, and the journal's hash chain. Other contexts use
 * {@link LedgerService} in their own transactions.
 */
@Module({
  controllers: [AdminLedgerController],
  providers: [
    LedgerRepository,
    LedgerService,
    HoldExpiryProcessor,
    LedgerSealRepository,
    LedgerSealer,
    LedgerSealProcessor,
  ],
  exports: [LedgerService, LedgerSealer],
})
export class LedgerModule {}
