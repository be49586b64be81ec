import { Money, isCurrencyCode, type CurrencyCode } from '#monay/kernel';
import type { ProviderName, ProviderSwapQuote } from './stablecoin-provider.port';

/*
 * Swaps between stablecoins (helper brief, "Money semantics through providers"; DESIGN.md, Money: "FX and swap
 * rates are decimal strings with explicit rounding, in the user's disfavour by at most one minor unit, and the
 * rounding remainder is booked, not lost").
 *
 * The user sells A of X and buys Y at a provider's quote (rate r, fee f in X, taken out of A). The provider
 * delivers P = round-half-up((A − f) × r); the user gets U = floor((A − f) × r), so U ≤ P ≤ U + 1, and the
 * remainder P − U goes to the swap pool. Booked in one ledger transaction:
 *   X: user −A, provider_clearing(P, X) +A;
 *   Y: provider_clearing(P, Y) −P, user +U, swap_pool(Y) +(P − U) when P ≠ U.
 */

/** What a swap executes: OUR quote and the provider's quote behind it (kept on the quote and on the movement). */
export interface SwapTerms {
  /** Our quote's id (what the client sends back). */
  quoteId: string;
  provider: ProviderName;
  providerQuoteId: string;
  from: CurrencyCode;
  to: CurrencyCode;
  /** A, minor units of `from`: what leaves the wallet (the fee is inside it). */
  amountIn: bigint;
  /** Units of `to` per unit of `from`, the provider's decimal string. */
  rate: string;
  /** The provider's fee, minor units of `from`, taken out of `amountIn` before the rate applies. */
  fee: bigint;
  /** P, minor units of `to`: what the provider delivers to our omnibus account. */
  amountOutProvider: bigint;
  /** U, minor units of `to`: what the user gets (floor). */
  amountOut: bigint;
  /** After this the quote can no longer be executed (the provider's own expiry). */
  expiresAt: Date;
}

/** Our stored quote: the terms, whose it is, and whether a swap executed it. */
export interface SwapQuote extends SwapTerms {
  userId: string;
  /** The swap movement that executes (or executed, or is executing) it; null while unused. */
  movementId: string | null;
  usedAt: Date | null;
  /** The Idempotency-Key of the `POST /swap {from, to, amount}` request it was made for, if any. */
  requestKey: string | null;
  createdAt: Date;
}

/** A quote or delivery that breaks the rounding rule: never booked (a provider bug; an operator must look). */
export class SwapRoundingError extends Error {
  constructor(userOut: bigint, providerOut: bigint, context: string) {
    super(
      `Swap ${context}: the provider's ${providerOut} is not within one minor unit above the user's ${userOut}; ` +
        'refusing to book it',
    );
    this.name = 'SwapRoundingError';
  }
}

/** U = floor((A − fee) × rate), in `to`'s minor units (0 when nothing would be left to deliver). */
export function userAmountOut(amountIn: Money, fee: bigint, rate: string, to: CurrencyCode): bigint {
  const net = amountIn.minus(Money.of(fee, amountIn.code));
  if (!net.isPositive()) return 0n;
  return net.convert(rate, to, 'down').result.minor;
}

/**
 * P − U, the rounding remainder booked to the swap pool: 0 or 1. Throws {@link SwapRoundingError} when the
 * provider's amount is below the user's or more than one minor unit above it.
 */
export function roundingRemainder(userOut: bigint, providerOut: bigint, context: string): bigint {
  const remainder = providerOut - userOut;
  if (remainder < 0n || remainder > 1n) throw new SwapRoundingError(userOut, providerOut, context);
  return remainder;
}

export function isQuoteExpired(terms: Pick<SwapTerms, 'expiresAt'>, now: Date): boolean {
  return terms.expiresAt.getTime() <= now.getTime();
}

/** The provider's quote, as its `executeSwap` takes it back. */
export function providerQuoteOf(terms: SwapTerms): ProviderSwapQuote {
  return {
    provider: terms.provider,
    providerQuoteId: terms.providerQuoteId,
    from: terms.from,
    to: terms.to,
    amountIn: terms.amountIn,
    rate: terms.rate,
    fee: terms.fee,
    amountOut: terms.amountOutProvider,
    expiresAt: terms.expiresAt,
  };
}

/** The terms as a swap movement's metadata keeps them (JSON: minor units as strings). */
export function swapTermsToMetadata(terms: SwapTerms): Record<string, string> {
  return {
    quoteId: terms.quoteId,
    provider: terms.provider,
    providerQuoteId: terms.providerQuoteId,
    from: terms.from,
    to: terms.to,
    amountIn: terms.amountIn.toString(),
    rate: terms.rate,
    fee: terms.fee.toString(),
    amountOutProvider: terms.amountOutProvider.toString(),
    amountOut: terms.amountOut.toString(),
    expiresAt: terms.expiresAt.toISOString(),
  };
}

/** The terms a swap movement was recorded with (its `metadata.swap`); throws if they are missing or malformed. */
export function swapTermsOf(metadata: Record<string, unknown>): SwapTerms {
  const raw = metadata.swap as Record<string, unknown> | undefined;
  const text = (key: string): string => {
    const value = raw?.[key];
    if (typeof value !== 'string') throw new Error(`Swap movement metadata has no ${key}`);
    return value;
  };
  const currency = (key: string): CurrencyCode => {
    const value = text(key);
    if (!isCurrencyCode(value)) throw new Error(`Swap movement metadata has a bad ${key}: ${value}`);
    return value;
  };
  return {
    quoteId: text('quoteId'),
    provider: text('provider') as ProviderName,
    providerQuoteId: text('providerQuoteId'),
    from: currency('from'),
    to: currency('to'),
    amountIn: BigInt(text('amountIn')),
    rate: text('rate'),
    fee: BigInt(text('fee')),
    amountOutProvider: BigInt(text('amountOutProvider')),
    amountOut: BigInt(text('amountOut')),
    expiresAt: new Date(text('expiresAt')),
  };
}
