import { DomainError, type ErrorKind } from './domain-error';
// Type-only: Money imports this registry at runtime, so the registry only ever calls Money's methods.
import type { Money } from './money';

/** The assets Monay holds and moves (DESIGN.md, Money). */
export type CurrencyCode = 'USDC' | 'USDT' | 'PYUSD' | 'EURC' | 'USD';

export interface Currency {
  readonly code: CurrencyCode;
  /** Decimal places of the minor unit: 6 for the stablecoins, 2 for USD on bank rails. */
  readonly scale: number;
  readonly name: string;
  readonly kind: 'stablecoin' | 'fiat';
  /**
   * The most one money movement may move, in minor units (checked at the edge: 400 AMOUNT_TOO_LARGE). Far below
   * what the ledger's bigint columns hold (2^63 − 1 minor units, 9,223,372,036,854.775807 of a stablecoin), so
   * that no sum of a few movements — a balance, a hold plus its fee, a batch, a day's limit usage — nears it.
   */
  readonly maxPerMovement: bigint;
}

/** 1,000,000,000.00 of any currency: the per-movement maximum (see Currency.maxPerMovement). */
const MAX_UNITS_PER_MOVEMENT = 1_000_000_000n;

function define(code: CurrencyCode, scale: number, name: string, kind: Currency['kind']): Currency {
  return Object.freeze({
    code,
    scale,
    name,
    kind,
    maxPerMovement: MAX_UNITS_PER_MOVEMENT * 10n ** BigInt(scale),
  });
}

const REGISTRY: Readonly<Record<CurrencyCode, Currency>> = Object.freeze({
  USDC: define('USDC', 6, 'USD Coin', 'stablecoin'),
  USDT: define('USDT', 6, 'Tether USD', 'stablecoin'),
  PYUSD: define('PYUSD', 6, 'PayPal USD', 'stablecoin'),
  EURC: define('EURC', 6, 'Euro Coin', 'stablecoin'),
  USD: define('USD', 2, 'US Dollar', 'fiat'),
});

/** Every supported currency code, stablecoins first. */
export const CURRENCY_CODES: readonly CurrencyCode[] = Object.freeze([
  'USDC',
  'USDT',
  'PYUSD',
  'EURC',
  'USD',
]);

/** The stablecoins a wallet can hold. */
export const STABLECOINS: readonly CurrencyCode[] = Object.freeze(['USDC', 'USDT', 'PYUSD', 'EURC']);

/** The currency is not one the wallet holds (USDC, USDT, PYUSD, EURC; USD on bank rails). */
export class UnsupportedCurrencyError extends DomainError {
  readonly code = 'UNSUPPORTED_CURRENCY';
  readonly kind: ErrorKind = 'invalid';

  constructor(currency: string, supported: readonly CurrencyCode[] = CURRENCY_CODES) {
    super(`Unsupported currency "${currency.slice(0, 32)}": use one of ${supported.join(', ')}`, {
      currency,
    });
  }
}

/** A rate or price is not a positive decimal string such as "1.08". */
export class InvalidRateError extends DomainError {
  readonly code = 'INVALID_RATE';
  readonly kind: ErrorKind = 'invalid';

  constructor(rate: string, reason: string) {
    super(`Invalid rate "${rate.slice(0, 48)}": ${reason}`, { rate });
  }
}

export function isCurrencyCode(value: unknown): value is CurrencyCode {
  return typeof value === 'string' && Object.hasOwn(REGISTRY, value);
}

export function currencyOf(code: string): Currency {
  if (!isCurrencyCode(code)) throw new UnsupportedCurrencyError(String(code));
  return REGISTRY[code];
}

/** A decimal rate as an exact fraction: `units / 10^scale`. */
export interface DecimalRate {
  readonly units: bigint;
  readonly scale: number;
}

const RATE = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const MAX_RATE_DIGITS = 40;

/**
 * Reads a rate or price written as a plain positive decimal string ("1.08", "0.925925") into an exact
 * fraction. No exponent, no sign, no leading zeros, no floats; zero is refused.
 */
export function parseDecimalRate(rate: string): DecimalRate {
  if (typeof rate !== 'string') throw new InvalidRateError(String(rate), 'must be a decimal string');
  const match = RATE.exec(rate);
  if (!match) throw new InvalidRateError(rate, 'must be a positive decimal string such as "1.08"');
  const [, whole, fraction = ''] = match;
  if (whole.length + fraction.length > MAX_RATE_DIGITS) {
    throw new InvalidRateError(rate, `must have at most ${MAX_RATE_DIGITS} digits`);
  }
  const units = BigInt(whole + fraction);
  if (units === 0n) throw new InvalidRateError(rate, 'must be greater than zero');
  return { units, scale: fraction.length };
}

/**
 * USD reference prices of the stablecoins, as decimal strings: every stablecoin is worth "1.00" unless
 * overridden (`new ReferencePrices({ EURC: '1.08' })`). Used to express holdings in USD (portfolio, limits);
 * values round toward zero, so a holding is never shown as worth more than it is.
 */
export class ReferencePrices {
  private readonly prices: Readonly<Record<CurrencyCode, string>>;

  constructor(overrides: Partial<Record<CurrencyCode, string>> = {}) {
    const prices: Record<CurrencyCode, string> = { USDC: '1', USDT: '1', PYUSD: '1', EURC: '1', USD: '1' };
    for (const [code, price] of Object.entries(overrides)) {
      if (price === undefined) continue;
      if (!STABLECOINS.includes(code as CurrencyCode)) throw new UnsupportedCurrencyError(code, STABLECOINS);
      parseDecimalRate(price);
      prices[code as CurrencyCode] = price;
    }
    this.prices = Object.freeze(prices);
  }

  /** The USD price of one unit of `code`, as a decimal string. */
  priceOf(code: CurrencyCode): string {
    return this.prices[currencyOf(code).code];
  }

  /** The USD value (scale 2) of `money`, rounded toward zero. */
  usdValue(money: Money): Money {
    return money.convert(this.priceOf(money.currency.code), 'USD', 'down').result;
  }
}
