/*
 * The domain events of money moving in and out through providers, written to the outbox in the transaction
 * of the change they describe. Amounts are decimal strings in `currency`; `userId` is the wallet's owner.
 */

/** A deposit was accepted by a provider that has not confirmed it yet (the request answered 202). */
export const DepositInitiated = 'DepositInitiated';

export interface DepositInitiatedPayload extends Record<string, unknown> {
  depositId: string;
  userId: string;
  currency: string;
  amount: string;
  /** null after an ambiguous timeout: the provider the request was sent to is still recorded on the deposit. */
  provider: string | null;
  method: string;
}

/** A provider confirmed a deposit: the wallet was credited `credited` (= amount − fee, the fee withheld). */
export const DepositCompleted = 'DepositCompleted';

export interface DepositCompletedPayload extends Record<string, unknown> {
  depositId: string;
  userId: string;
  currency: string;
  amount: string;
  fee: string;
  credited: string;
  provider: string;
  method: string;
  ledgerTransactionId: string;
  completedAt: string;
}

/** A deposit failed (no provider could take it, or the provider failed it); nothing was credited. */
export const DepositFailed = 'DepositFailed';

export interface DepositFailedPayload extends Record<string, unknown> {
  depositId: string;
  userId: string;
  currency: string;
  amount: string;
  provider: string | null;
  reason: string;
}

/**
 * A withdrawal was recorded and `held` (= amount + the highest fee a candidate provider may charge) reserved
 * on the wallet: the available balance is lower at once; the posted balance is unchanged.
 */
export const WithdrawalRequested = 'WithdrawalRequested';

export interface WithdrawalRequestedPayload extends Record<string, unknown> {
  withdrawalId: string;
  userId: string;
  currency: string;
  amount: string;
  held: string;
  /** Masked: the last four characters only. */
  destination: string;
  speed: string;
}

/** A provider paid a withdrawal out: the wallet was debited `debited` (= amount + fee), the rest released. */
export const WithdrawalCompleted = 'WithdrawalCompleted';

export interface WithdrawalCompletedPayload extends Record<string, unknown> {
  withdrawalId: string;
  userId: string;
  currency: string;
  amount: string;
  fee: string;
  debited: string;
  provider: string;
  ledgerTransactionId: string;
  completedAt: string;
}

/**
 * A withdrawal failed: refused at once (insufficient funds, a limit: nothing was held), or failed at or before
 * the provider (its hold released in full: `holdReleased`). Nothing left the wallet.
 */
export const WithdrawalFailed = 'WithdrawalFailed';

export interface WithdrawalFailedPayload extends Record<string, unknown> {
  withdrawalId: string;
  userId: string;
  currency: string;
  amount: string;
  provider: string | null;
  reason: string;
  holdReleased: boolean;
}
