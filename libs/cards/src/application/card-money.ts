import { Money, type CurrencyCode } from '#monay/kernel';

/** USD cents as a decimal string ("12.50"). */
export function usd(cents: bigint): string {
  return Money.of(cents, 'USD').toDecimalString();
}

/** Funding minor units as a decimal string of the funding currency. */
export function funding(minor: bigint, currency: string): string {
  return Money.of(minor, currency as CurrencyCode).toDecimalString();
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
