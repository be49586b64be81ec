/*
 * The domain events of money moving between the user's bank account and their wallet over the bank rails (ACH,
 * wire), written to the outbox in the transaction of the change they describe. Amounts are decimal strings of the
 * wallet's currency (USDC: the rail's USD at 1:1).
 */

export type BankTransferDirection = 'deposit' | 'withdrawal';

interface BankTransferCommon extends Record<string, unknown> {
  bankTransferId: string;
  userId: string;
  rail: 'ach' | 'wire';
  direction: BankTransferDirection;
  speed: string;
  currency: string;
  /** What the user asked to move (before the fee). */
  amount: string;
  fee: string;
  /** The bank account, masked (`Gingham Bank ••1234`). */
  bankAccount: string;
}

/**
 * A bank transfer was sent to the rail and is pending until the banking clock processes it. A withdrawal's
 * amount + fee is held on the wallet at once; a deposit credits nothing yet.
 */
export const BankTransferRequested = 'BankTransferRequested';

export interface BankTransferRequestedPayload extends BankTransferCommon {
  held: string;
  expectedSettlementAt: string;
}

/**
 * The rail processed it: a deposit credited `amount − fee`, a withdrawal debited `amount + fee` (its hold posted).
 */
export const BankTransferSettled = 'BankTransferSettled';

export interface BankTransferSettledPayload extends BankTransferCommon {
  /** What the wallet's posted balance changed by, unsigned: credited (deposit) or debited (withdrawal). */
  posted: string;
  ledgerTransactionId: string;
  settledAt: string;
}

/** Failed before settlement (a return before it was processed, or the user cancelled it): nothing moved. */
export const BankTransferFailed = 'BankTransferFailed';

export interface BankTransferFailedPayload extends BankTransferCommon {
  status: 'failed' | 'cancelled';
  /** An ACH return code (`R01`…) or `CANCELLED`. */
  reason: string;
  /** A withdrawal's hold was released. */
  holdReleased: boolean;
}

/**
 * Returned after settlement: a new ledger transaction reverses it. A returned deposit takes back what it credited
 * (as much as the wallet holds: the rest is a receivable); a returned withdrawal gives back amount + fee.
 */
export const BankTransferReturned = 'BankTransferReturned';

export interface BankTransferReturnedPayload extends BankTransferCommon {
  returnCode: string;
  meaning: string;
  /** What the wallet's posted balance changed by, unsigned (back in for a withdrawal, out for a deposit). */
  reversed: string;
  /** A returned deposit's part the wallet could not cover (a receivable); '0' otherwise. */
  receivable: string;
  ledgerTransactionId: string;
  returnedAt: string;
}

/** The user's bank rails were frozen for review after an unauthorised-debit return (R05, R07, R10). */
export const BankRailsFrozen = 'BankRailsFrozen';

export interface BankRailsFrozenPayload extends Record<string, unknown> {
  userId: string;
  returnCode: string;
  bankTransferId: string;
}

/** A bank account was linked, verified, failed verification, unverified or removed. */
export const BankAccountUpdated = 'BankAccountUpdated';

export interface BankAccountUpdatedPayload extends Record<string, unknown> {
  bankAccountId: string;
  userId: string;
  status: string;
  bankAccount: string;
  reason: string | null;
}
