/*
 * The domain events of swaps between stablecoins, written to the outbox in the transaction of the change they
 * describe. Amounts are decimal strings: `amountIn` and `fee` in `from`, `amountOut` in `to`; `userId` is the
 * wallet's owner.
 */

/**
 * A swap was recorded and `amountIn` held on the wallet in `from` (the fee is inside it): the available balance
 * is lower at once; the posted balance is unchanged.
 */
export const SwapRequested = 'SwapRequested';

export interface SwapRequestedPayload extends Record<string, unknown> {
  swapId: string;
  userId: string;
  quoteId: string;
  from: string;
  to: string;
  amountIn: string;
  fee: string;
  rate: string;
  /** What the user is to get, as quoted (floor of (amountIn − fee) × rate). */
  amountOut: string;
  /** The provider whose quote is executed. */
  provider: string;
}

/**
 * A provider executed a swap: the wallet was debited `amountIn` in `from` and credited `amountOut` in `to` (the
 * rounding remainder, if any, went to the swap pool).
 */
export const SwapCompleted = 'SwapCompleted';

export interface SwapCompletedPayload extends Record<string, unknown> {
  swapId: string;
  userId: string;
  quoteId: string;
  from: string;
  to: string;
  amountIn: string;
  fee: string;
  rate: string;
  amountOut: string;
  provider: string;
  ledgerTransactionId: string;
  completedAt: string;
}

/**
 * A swap failed: refused at once (insufficient funds, a limit: nothing was held), or failed at or before the
 * provider (its hold released in full: `holdReleased`). Nothing left the wallet.
 */
export const SwapFailed = 'SwapFailed';

export interface SwapFailedPayload extends Record<string, unknown> {
  swapId: string;
  userId: string;
  quoteId: string;
  from: string;
  to: string;
  amountIn: string;
  provider: string | null;
  reason: string;
  holdReleased: boolean;
}
