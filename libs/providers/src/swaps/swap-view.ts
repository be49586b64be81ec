import { Money } from '#monay/kernel';
import type { StoredResponse } from '#monay/shared';
import type { Movement } from '../domain/movement';
import { swapTermsOf, type SwapQuote } from '../domain/swap';
import { httpStatusOf, visibleStatusOf } from '../movements/movement-view';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** Our quote as the client sees it: `amount` sold (fee inside), `amountOut` the user gets (rounded down). */
export function toQuoteView(quote: SwapQuote) {
  return {
    quoteId: quote.quoteId,
    from: quote.from,
    to: quote.to,
    amount: Money.of(quote.amountIn, quote.from).toDecimalString(),
    rate: quote.rate,
    fee: Money.of(quote.fee, quote.from).toDecimalString(),
    amountOut: Money.of(quote.amountOut, quote.to).toDecimalString(),
    expiresAt: quote.expiresAt.toISOString(),
    provider: quote.provider,
  };
}

/** A swap (a provider movement of kind `swap`) as the client sees it. */
export function toSwapView(movement: Movement) {
  const terms = swapTermsOf(movement.metadata);
  const failure = movement.failureCode
    ? { code: movement.failureCode, message: movement.failureMessage ?? movement.failureCode }
    : undefined;
  return {
    id: movement.id,
    ...visibleStatusOf(movement),
    quoteId: terms.quoteId,
    from: terms.from,
    to: terms.to,
    amountIn: Money.of(terms.amountIn, terms.from).toDecimalString(),
    fee: Money.of(movement.fee ?? terms.fee, terms.from).toDecimalString(),
    rate: terms.rate,
    /** What the user gets (or got) in `to`, as quoted. */
    amountOut: Money.of(terms.amountOut, terms.to).toDecimalString(),
    provider: movement.provider ?? terms.provider,
    skippedProviders: movement.skipped,
    settlementTimeMs: movement.settlementTimeMs,
    transactionId: movement.ledgerTransactionId,
    createdAt: movement.createdAt.toISOString(),
    completedAt: iso(movement.completedAt),
    ...(failure && { failure }),
  };
}

/** The swap route's answer: 201 executed, 202 still at the provider, 422 refused or failed (nothing moved). */
export function swapResponse(movement: Movement): StoredResponse {
  const swap = toSwapView(movement);
  const status = httpStatusOf(movement);
  if (status === 422) {
    return {
      status,
      body: {
        success: false,
        error: swap.failure ?? { code: 'PROVIDER_FAILED', message: '' },
        swap,
      },
    };
  }
  return { status, body: { success: true, swap } };
}
