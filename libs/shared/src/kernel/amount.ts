import { type Currency, type CurrencyCode, currencyOf } from './currency';
import { assertMovementAmount, InvalidAmountError, Money } from './money';

export interface AmountInputOptions {
  /** The request field, named in errors (default "amount"). */
  readonly field?: string;
  /** Accept "0" (default: an amount must be greater than zero). */
  readonly allowZero?: boolean;
  /**
   * Refuse an amount above its currency's per-movement maximum with AmountTooLargeError (400 AMOUNT_TOO_LARGE,
   * naming the maximum). Default true: every amount a request moves. False for amounts that move nothing
   * (a limit a user sets) and for the DTO validator, which leaves that refusal to its own stable code.
   */
  readonly perMovementMaximum?: boolean;
}

/** Doubles keep any decimal of at most 15 significant digits exactly through JSON.parse and String(). */
const EXACT_DOUBLE_DIGITS = 15;

const NOT_AN_AMOUNT = 'must be a positive decimal string such as "12.50"';

/**
 * The text of a JSON number as the client typed it, or a refusal when the number cannot have arrived
 * intact: non-finite, negative, written with an exponent by String(), or with more digits than a double keeps.
 */
function numberText(value: number, currency: Currency, field: string): string {
  const refuse = (reason: string) => new InvalidAmountError(field, reason);
  if (!Number.isFinite(value)) throw refuse('must be a finite number');
  if (value < 0) throw refuse('must not be negative');
  const text = String(value);
  if (/e/i.test(text)) {
    throw refuse('must not use exponent notation; send it as a decimal string such as "12.50"');
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    throw refuse('is too large to be exact as a JSON number; send it as a decimal string');
  }
  const [whole, fraction = ''] = text.split('.');
  const significant = (whole + fraction).replace(/^0+/, '').length;
  // Too many decimals is reported by the grammar, with the currency's scale.
  if (fraction && fraction.length <= currency.scale && significant > EXACT_DOUBLE_DIGITS) {
    throw refuse('has too many digits to be exact as a JSON number; send it as a decimal string');
  }
  return text;
}

/**
 * The one parser for amounts arriving in API requests (DESIGN.md, Money): a JSON string such as "12.50" or a
 * JSON number such as 12.5, in the strict grammar of Money.parse, positive (or zero when `allowZero`), with no
 * more decimals than the currency's scale and within Postgres bigint. Anything else throws InvalidAmountError,
 * which the HTTP filter answers 400 VALIDATION_FAILED naming the field and the reason. Then, unless
 * `perMovementMaximum: false`, an amount above its currency's per-movement maximum throws AmountTooLargeError
 * (400 AMOUNT_TOO_LARGE).
 */
export function parseAmountInput(
  input: unknown,
  code: CurrencyCode,
  options: AmountInputOptions = {},
): Money {
  const currency = currencyOf(code);
  const field = options.field ?? 'amount';
  let text: string;
  if (input === undefined || input === null) throw new InvalidAmountError(field, 'is required');
  else if (typeof input === 'string') text = input;
  else if (typeof input === 'number') text = numberText(input, currency, field);
  else throw new InvalidAmountError(field, NOT_AN_AMOUNT);
  const money = Money.parse(text, currency.code, { field, signed: false });
  if (money.isZero() && !options.allowZero) throw new InvalidAmountError(field, 'must be greater than zero');
  return options.perMovementMaximum === false ? money : assertMovementAmount(money, field);
}
