import { type Currency, type CurrencyCode, currencyOf, parseDecimalRate } from './currency';
import { DomainError, ErrorCode, type ErrorKind } from './domain-error';

/** Postgres `bigint` bounds: every amount must fit the ledger's columns. */
export const MAX_MINOR_UNITS = 2n ** 63n - 1n;

/**
 * An amount could not be read. Carries exactly the body the ValidationPipe produces for a DTO field
 * (`VALIDATION_FAILED`, `"<field>: <problem>"`, `{fields: [{field, problems}]}`), so a client sees one shape
 * whether the DTO or the domain refused the amount. `problem` reads like the DTO messages: "amount must ...".
 */
export class InvalidAmountError extends DomainError {
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly kind: ErrorKind = 'invalid';
  /** The field's problem, a sentence that starts with the field's name. */
  readonly problem: string;

  constructor(
    readonly field: string,
    /** What is wrong, without the field's name: "must not be negative". */
    readonly reason: string,
  ) {
    const problem = `${field} ${reason}`;
    super(`${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
    this.problem = problem;
  }
}

/** An operation mixed two currencies. */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';
  readonly kind: ErrorKind = 'invalid';

  constructor(expected: CurrencyCode, actual: CurrencyCode) {
    super(`Currency mismatch: expected ${expected}, got ${actual}`, { expected, actual });
  }
}

/** A result does not fit Postgres bigint (|minor| ≤ 2^63−1). */
export class AmountOutOfRangeError extends DomainError {
  readonly code = 'AMOUNT_OUT_OF_RANGE';
  readonly kind: ErrorKind = 'invalid';

  constructor(minor: bigint, currency: CurrencyCode) {
    super(`Amount out of range: ${minor} minor units of ${currency} exceed ±${MAX_MINOR_UNITS}`, {
      currency,
      minor: minor.toString(),
    });
  }
}

/**
 * An amount above what one money movement may move in its currency (Currency.maxPerMovement): refused at the
 * edge, naming the maximum, before anything is recorded.
 */
export class AmountTooLargeError extends DomainError {
  readonly code = 'AMOUNT_TOO_LARGE';
  readonly kind: ErrorKind = 'invalid';

  constructor(
    readonly field: string,
    readonly maximum: Money,
    /** What is too large, when not the field itself (e.g. "the USDC total of recipients"). */
    subject: string = field,
  ) {
    super(`${subject} must be at most ${maximum.toDecimalString()} ${maximum.code} per movement`, {
      field,
      maximum: maximum.toDecimalString(),
      currency: maximum.code,
    });
  }
}

/** The money, or AmountTooLargeError when it is above its currency's per-movement maximum. */
export function assertMovementAmount(money: Money, field = 'amount'): Money {
  if (money.minor > money.currency.maxPerMovement) {
    throw new AmountTooLargeError(field, Money.of(money.currency.maxPerMovement, money.code));
  }
  return money;
}

/** Java BigDecimal's names: `down` rounds toward zero, `up` away from zero. */
export type Rounding = 'down' | 'up';

export interface Conversion {
  readonly result: Money;
  /** True when the exact product had digits below the target's minor unit, i.e. rounding moved it. */
  readonly inexact: boolean;
}

export interface ParseOptions {
  /** The field named in errors (default "amount"). */
  readonly field?: string;
  /** Whether a leading "-" is allowed (default true, the inverse of `toDecimalString`). */
  readonly signed?: boolean;
}

const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;
const NON_FINITE = /^(?:nan|inf|infinity)$/i;
const RADIX_PREFIX = /^0[xob]/i;
const EXPONENT = /^[0-9.]*[eE][0-9.eE+-]*$/;
/** 2^63−1 has 19 digits: longer integer parts are out of range without building a bigint. */
const MAX_INTEGER_DIGITS = 20;

function pow10(exponent: number): bigint {
  return 10n ** BigInt(exponent);
}

function largest(currency: Currency): string {
  return Money.of(MAX_MINOR_UNITS, currency.code).toDecimalString();
}

/** Why `text` is not an amount of `currency` in the strict grammar, or its minor units. */
function readDecimal(text: string, currency: Currency, signed: boolean): bigint | { reason: string } {
  const refuse = (reason: string) => ({ reason });
  const example = signed
    ? 'must be a decimal string such as "12.50"'
    : 'must be a positive decimal string such as "12.50"';
  if (text === '') return refuse('must not be empty');
  if (text.trim() !== text) return refuse('must not have leading or trailing spaces');
  if (text.startsWith('+')) return refuse('must not have a "+" sign');
  const negative = text.startsWith('-');
  if (negative && !signed) return refuse('must not be negative');
  const body = negative ? text.slice(1) : text;
  if (NON_FINITE.test(body)) return refuse('must be a finite number');
  if (RADIX_PREFIX.test(body)) return refuse('must not use hexadecimal, octal or binary notation');
  if (EXPONENT.test(body) && /[0-9]/.test(body)) return refuse('must not use exponent notation');
  if (/^[0-9.,]+$/.test(body) && body.includes(',')) {
    return refuse('must not contain commas: use "." as the decimal point and no thousands separators');
  }
  if (/^[0-9][0-9._ ']*[0-9]$/.test(body) && /[_ ']/.test(body))
    return refuse('must not contain digit separators');
  if (/^\.[0-9]/.test(body)) return refuse('must have a digit before the decimal point, such as "0.5"');
  if (/^[0-9]+\.$/.test(body)) return refuse('must have digits after the decimal point');
  const match = DECIMAL.exec(body);
  if (!match) return refuse(example);
  const [, whole, fraction = ''] = match;
  if (whole.length > 1 && whole.startsWith('0')) return refuse('must not have leading zeros');
  if (fraction.length > currency.scale) {
    return refuse(`must have at most ${currency.scale} decimal places for ${currency.code}`);
  }
  const tooLarge = refuse(`must be at most ${largest(currency)} ${currency.code}`);
  if (whole.length > MAX_INTEGER_DIGITS) return tooLarge;
  const magnitude = BigInt(whole + fraction.padEnd(currency.scale, '0'));
  if (magnitude > MAX_MINOR_UNITS) return tooLarge;
  if (negative && magnitude === 0n) return refuse('must not be negative zero');
  return negative ? -magnitude : magnitude;
}

/**
 * An amount of one currency, in integer minor units (DESIGN.md, Money). Immutable; never a float.
 * Arithmetic across currencies throws CurrencyMismatchError; results beyond Postgres bigint throw
 * AmountOutOfRangeError.
 */
export class Money {
  private constructor(
    readonly minor: bigint,
    readonly currency: Currency,
  ) {
    Object.freeze(this);
  }

  static of(minor: bigint, code: CurrencyCode): Money {
    const currency = currencyOf(code);
    if (typeof minor !== 'bigint') throw new TypeError(`Money.of needs a bigint, got ${typeof minor}`);
    if (minor > MAX_MINOR_UNITS || minor < -MAX_MINOR_UNITS)
      throw new AmountOutOfRangeError(minor, currency.code);
    return new Money(minor, currency);
  }

  static zero(code: CurrencyCode): Money {
    return Money.of(0n, code);
  }

  /**
   * Reads a plain decimal string ("12.50", "0.000001", "-3.25") in the strict grammar: digits, at most one ".",
   * digits on both sides of it, no leading zeros, no more decimals than the currency's scale, no exponent,
   * separators, spaces or "+". Throws InvalidAmountError naming the problem.
   */
  static parse(decimal: string, code: CurrencyCode, options: ParseOptions = {}): Money {
    const currency = currencyOf(code);
    const field = options.field ?? 'amount';
    if (typeof decimal !== 'string')
      throw new InvalidAmountError(field, 'must be a decimal string such as "12.50"');
    const read = readDecimal(decimal, currency, options.signed ?? true);
    if (typeof read !== 'bigint') throw new InvalidAmountError(field, read.reason);
    return new Money(read, currency);
  }

  /** The total of `list`, all in `code` (zero when empty). */
  static sum(list: Iterable<Money>, code: CurrencyCode): Money {
    let total = Money.zero(code);
    for (const money of list) total = total.plus(money);
    return total;
  }

  static min(first: Money, ...rest: Money[]): Money {
    return rest.reduce((least, money) => (money.lessThan(least) ? money : least), first);
  }

  static max(first: Money, ...rest: Money[]): Money {
    return rest.reduce((most, money) => (money.greaterThan(most) ? money : most), first);
  }

  get code(): CurrencyCode {
    return this.currency.code;
  }

  plus(other: Money): Money {
    this.assertSameCurrency(other);
    return Money.of(this.minor + other.minor, this.code);
  }

  minus(other: Money): Money {
    this.assertSameCurrency(other);
    return Money.of(this.minor - other.minor, this.code);
  }

  negate(): Money {
    return Money.of(-this.minor, this.code);
  }

  abs(): Money {
    return this.minor < 0n ? this.negate() : this;
  }

  isZero(): boolean {
    return this.minor === 0n;
  }

  isPositive(): boolean {
    return this.minor > 0n;
  }

  isNegative(): boolean {
    return this.minor < 0n;
  }

  /** -1, 0 or 1. Throws CurrencyMismatchError across currencies. */
  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other);
    if (this.minor === other.minor) return 0;
    return this.minor < other.minor ? -1 : 1;
  }

  /** Value equality: false (not an error) for amounts of different currencies. */
  equals(other: Money): boolean {
    return this.code === other.code && this.minor === other.minor;
  }

  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  greaterThanOrEqual(other: Money): boolean {
    return this.compare(other) >= 0;
  }

  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  lessThanOrEqual(other: Money): boolean {
    return this.compare(other) <= 0;
  }

  /**
   * Multiplies by `rate` (a decimal string: units of `to` per unit of this currency) and rescales to `to`'s
   * minor unit, rounding toward zero (`down`) or away from zero (`up`) — callers choose the direction that is
   * in the user's disfavour, so the result is off by less than one minor unit. `inexact` says whether rounding
   * dropped anything (the remainder is booked elsewhere).
   */
  convert(rate: string, to: CurrencyCode, rounding: Rounding): Conversion {
    const target = currencyOf(to);
    const { units, scale } = parseDecimalRate(rate);
    const numerator = this.minor * units * pow10(target.scale);
    const denominator = pow10(this.currency.scale + scale);
    const quotient = numerator / denominator; // bigint division truncates toward zero
    const inexact = numerator % denominator !== 0n;
    const awayFromZero = inexact && rounding === 'up' ? (numerator < 0n ? -1n : 1n) : 0n;
    return { result: Money.of(quotient + awayFromZero, target.code), inexact };
  }

  /** "12.50", "0.000001", "100.00", "-3.25": between 2 and `scale` decimals, trailing zeros beyond 2 trimmed. */
  toDecimalString(): string {
    const { scale } = this.currency;
    const magnitude = this.minor < 0n ? -this.minor : this.minor;
    const unit = pow10(scale);
    const whole = (magnitude / unit).toString();
    const minDecimals = Math.min(2, scale);
    let fraction = (magnitude % unit).toString().padStart(scale, '0');
    while (fraction.length > minDecimals && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
    const sign = this.minor < 0n ? '-' : '';
    return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
  }

  toJSON(): string {
    return this.toDecimalString();
  }

  /** "12.50 USDC", for logs and messages. */
  toString(): string {
    return `${this.toDecimalString()} ${this.code}`;
  }

  private assertSameCurrency(other: Money): void {
    if (other.code !== this.code) throw new CurrencyMismatchError(this.code, other.code);
  }
}
