import { HoldAmountExceededError, HoldNotPendingError, InvalidHoldAmountError } from './ledger.errors';

export type TransactionStatus = 'posted' | 'pending' | 'voided' | 'expired';

/**
 * A two-phase transfer (TigerBeetle's pending transfer): placing it reserves `amount` on the account at once;
 * it is later posted (for at most that amount, to the counter account) or voided or expired, exactly once.
 */
export interface Hold {
  id: string;
  status: TransactionStatus;
  kind: string;
  reference: string | null;
  accountId: string;
  counterAccountId: string;
  currency: string;
  amount: bigint;
  postedAmount: bigint | null;
  expiresAt: Date | null;
  resolvedAt: Date | null;
  createdAt: Date;
}

type HoldState = Pick<Hold, 'id' | 'status' | 'amount' | 'currency' | 'expiresAt'>;

function assertPending(hold: HoldState, now: Date): void {
  if (hold.status !== 'pending') throw new HoldNotPendingError(hold.id, hold.status);
  // Past due but not yet swept by the expiry job: expired all the same, it can never be posted.
  if (hold.expiresAt && hold.expiresAt.getTime() <= now.getTime()) {
    throw new HoldNotPendingError(hold.id, 'expired');
  }
}

/** What posting a hold does: `post` moves to the counter account, `release` goes back to available. */
export function settleHold(
  hold: HoldState,
  requested: bigint | undefined,
  now: Date,
): { post: bigint; release: bigint } {
  assertPending(hold, now);
  const post = requested ?? hold.amount;
  if (post <= 0n) throw new InvalidHoldAmountError(post, hold.currency);
  if (post > hold.amount) throw new HoldAmountExceededError(hold.id, hold.amount, post, hold.currency);
  return { post, release: hold.amount - post };
}

/** Voiding releases the whole reservation; a hold already resolved cannot be voided again. */
export function assertVoidable(hold: Pick<Hold, 'id' | 'status'>): void {
  if (hold.status !== 'pending') throw new HoldNotPendingError(hold.id, hold.status);
}
