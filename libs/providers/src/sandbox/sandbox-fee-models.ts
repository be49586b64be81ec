import { Money, parseDecimalRate, ReferencePrices, type CurrencyCode } from '#monay/kernel';
import type { RoutedOperation } from '#monay/shared';

/**
 * What a provider charges for one transaction, in the transaction's currency (minor units). A fee model is
 * asked only about operations the provider supports. Percentage fees round up (the provider never
 * undercharges itself by a fraction of a unit).
 */
export type FeeModel = (operation: RoutedOperation, amount: Money, legs: number) => bigint;

const BASIS_POINTS = 10_000n;

/** A fixed fee written as a decimal ("0.0001") in the amount's currency. */
function fixed(decimal: string, amount: Money): bigint {
  return Money.parse(decimal, amount.code).minor;
}

/** `bps` basis points of `amount`, rounded up. */
function share(amount: Money, bps: bigint): bigint {
  const product = amount.minor * bps;
  return product / BASIS_POINTS + (product % BASIS_POINTS === 0n ? 0n : 1n);
}

function bigMax(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

/**
 * Tempo (payments chain): 0.0001 per on-chain transaction — a batch is one transaction, so one fee whatever
 * its legs; on/off-ramp (deposit, withdraw) through its partner 0.10 %, at least 0.0001; swaps on its
 * built-in stablecoin exchange 0.03 %.
 */
export const tempoFees: FeeModel = (operation, amount) => {
  switch (operation) {
    case 'transferOut':
    case 'batchTransfer':
      return fixed('0.0001', amount);
    case 'deposit':
    case 'withdraw':
      return bigMax(share(amount, 10n), fixed('0.0001', amount));
    case 'swap':
      return share(amount, 3n);
  }
};

/** Circle (programmable wallets): network fee 0.02 per transfer out, deposits free, withdrawals 1.00 flat. */
export const circleFees: FeeModel = (operation, amount) => {
  switch (operation) {
    case 'transferOut':
      return fixed('0.02', amount);
    case 'deposit':
      return 0n;
    case 'withdraw':
      return fixed('1.00', amount);
    case 'batchTransfer':
    case 'swap':
      throw new Error(`Circle has no ${operation}`);
  }
};

/** Monay (in-house rail): 0.50 flat per transaction; USDC↔USDT swaps 0.10 %. */
export const monayFees: FeeModel = (operation, amount) => {
  switch (operation) {
    case 'deposit':
    case 'withdraw':
    case 'transferOut':
      return fixed('0.50', amount);
    case 'swap':
      return share(amount, 10n);
    case 'batchTransfer':
      throw new Error('Monay has no batchTransfer');
  }
};

/** Digits of a quoted rate. */
export const RATE_DECIMALS = 8;

/**
 * The rate a sandbox exchange quotes from `from` to `to` (units of `to` per unit of `from`) from the USD
 * reference prices: price(from) / price(to), truncated to {@link RATE_DECIMALS} decimals, as a decimal string.
 */
export function exchangeRate(prices: ReferencePrices, from: CurrencyCode, to: CurrencyCode): string {
  const a = parseDecimalRate(prices.priceOf(from));
  const b = parseDecimalRate(prices.priceOf(to));
  // (a.units / 10^a.scale) / (b.units / 10^b.scale) × 10^RATE_DECIMALS, truncated.
  const units = (a.units * 10n ** BigInt(b.scale + RATE_DECIMALS)) / (b.units * 10n ** BigInt(a.scale));
  const digits = units.toString().padStart(RATE_DECIMALS + 1, '0');
  return `${digits.slice(0, -RATE_DECIMALS)}.${digits.slice(-RATE_DECIMALS)}`;
}

/**
 * What the provider delivers for `net` (the amount sold after its fee) at `rate`: rounded half up to the
 * target currency's minor unit (DESIGN.md: the provider delivers round-half-up; the user's share is floored
 * and the remainder is booked to the swap pool on our side).
 */
export function deliveredAmount(net: Money, rate: string, to: CurrencyCode): bigint {
  const down = net.convert(rate, to, 'down').result.minor;
  const up = net.convert(rate, to, 'up').result.minor;
  if (down === up) return down;
  // Exactly between down and up? Compare twice the exact product with down + up, in the rate's own units.
  const { units, scale } = parseDecimalRate(rate);
  const target = Money.zero(to).currency.scale;
  const exactTimesDenominator = net.minor * units * 10n ** BigInt(target);
  const denominator = 10n ** BigInt(net.currency.scale + scale);
  return 2n * exactTimesDenominator >= (down + up) * denominator ? up : down;
}
