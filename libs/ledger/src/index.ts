export { LedgerModule } from './ledger.module';
export { LedgerService, type PostTransactionInput, type PlaceHoldInput } from './application/ledger.service';
export {
  verifyLedger,
  LEDGER_INVARIANTS,
  type LedgerReport,
  type LedgerBreach,
} from './application/verify-ledger';
export {
  ACCOUNT_KINDS,
  type AccountKind,
  type SystemAccountKind,
  type LedgerAccount,
  type AccountBalance,
  type LedgerTransactionKind,
} from './domain/ledger-account';
export type { EntryInput, LedgerEntry } from './domain/journal';
export { LedgerSealer, type SealRun, type SealStatus, type SealOptions } from './application/ledger-sealer';
export { verifyLedgerSeals, type SealReport, type BrokenLink } from './application/verify-ledger-seals';
export type { Hold, TransactionStatus } from './domain/hold';
export * from './domain/ledger.errors';
