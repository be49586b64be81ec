import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { parseAmountInput } from '../kernel/amount';
import { CURRENCY_CODES, type CurrencyCode, isCurrencyCode, STABLECOINS } from '../kernel/currency';
import { InvalidAmountError } from '../kernel/money';
import { amountAsSent } from './json-number-source';

export interface MoneyAmountOptions {
  /** The sibling property holding the currency code (default "currency"). */
  currencyField?: string;
  /** The currency when the sibling is absent (default USDC). */
  defaultCurrency?: CurrencyCode;
  /** Accept "0" (default: must be greater than zero). */
  allowZero?: boolean;
}

export interface CurrencyCodeOptions {
  /** Refuse USD: only the stablecoins a wallet holds. */
  stablecoinOnly?: boolean;
}

/**
 * How a money amount is declared in the OpenAPI document: a string in the decimal grammar. The schema's
 * pattern is the grammar shared by every currency; the currency's own scale is in the description.
 */
export const MONEY_AMOUNT_PATTERN = '^(0|[1-9][0-9]*)(\\.[0-9]+)?$';
export const MONEY_AMOUNT_SCHEMA_NOTE =
  'A decimal string such as "12.50", with at most the currency\'s decimals (6 for the stablecoins, 2 for USD). ' +
  'A JSON number is also accepted and read exactly as written (12.5 is "12.5"; 1e2 or more decimals than the ' +
  'currency has are refused with 400).';

/**
 * The problem with the amount in `args`, worded as parseAmountInput words it, or null when it is fine.
 * Pure, so `validate` and `defaultMessage` reach the same answer without sharing state between requests.
 */
function amountProblem(args: ValidationArguments): string | null {
  const options = (args.constraints[0] ?? {}) as MoneyAmountOptions;
  const sibling = (args.object as Record<string, unknown>)[options.currencyField ?? 'currency'];
  let code: CurrencyCode;
  if (sibling === undefined || sibling === null) code = options.defaultCurrency ?? 'USDC';
  else if (isCurrencyCode(sibling)) code = sibling;
  else return null; // the currency field's own validator reports an unknown currency
  try {
    // The per-movement maximum is the handler's to refuse, with its own code (400 AMOUNT_TOO_LARGE).
    parseAmountInput(args.value, code, {
      field: args.property,
      allowZero: options.allowZero,
      perMovementMaximum: false,
    });
    return null;
  } catch (error: unknown) {
    if (error instanceof InvalidAmountError) return error.problem;
    throw error;
  }
}

@ValidatorConstraint({ name: 'isMoneyAmount', async: false })
export class IsMoneyAmountConstraint implements ValidatorConstraintInterface {
  validate(_value: unknown, args?: ValidationArguments): boolean {
    return args === undefined || amountProblem(args) === null;
  }

  defaultMessage(args?: ValidationArguments): string {
    const problem = args && amountProblem(args);
    return problem || `${args?.property ?? 'amount'} must be a positive decimal string such as "12.50"`;
  }
}

/**
 * A money amount in a request DTO: a decimal string ("12.50") or JSON number, checked by parseAmountInput against
 * the currency in the sibling field (its scale decides how many decimals are allowed). The message names the
 * exact problem ("amount must have at most 2 decimal places for USD"). Turn the value into Money in the handler
 * with parseAmountInput; this decorator only guards the door.
 *
 * A JSON number is replaced by the text the client sent (json-number-source.ts) before it is checked, so
 * `1.0000000000000001` is refused for its decimals and `1e2` for its exponent, exactly as the same strings are,
 * instead of being read as the double JSON.parse rounded them to. The handler gets that text too.
 */
export function IsMoneyAmount(options: MoneyAmountOptions = {}, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string): void => {
    Transform(({ value, obj, key }) => amountAsSent(value, obj, key), { toClassOnly: true })(
      object,
      propertyName,
    );
    // Declared a string in the OpenAPI document (not the `object` that `string | number` reflects to); a DTO's
    // own @ApiProperty merges its description and example over this, keeping type, format and pattern.
    ApiProperty({
      type: 'string',
      format: 'decimal',
      pattern: MONEY_AMOUNT_PATTERN,
      description: MONEY_AMOUNT_SCHEMA_NOTE,
      example: '12.50',
    })(object, propertyName);
    registerDecorator({
      name: 'isMoneyAmount',
      target: object.constructor,
      propertyName,
      constraints: [options],
      options: validationOptions,
      validator: IsMoneyAmountConstraint,
    });
  };
}

/** A supported currency code: "currency must be one of USDC, USDT, PYUSD, EURC[, USD]". */
export function IsCurrencyCode(options: CurrencyCodeOptions = {}, validationOptions?: ValidationOptions) {
  const allowed = options.stablecoinOnly ? STABLECOINS : CURRENCY_CODES;
  return (object: object, propertyName: string): void => {
    registerDecorator({
      name: 'isCurrencyCode',
      target: object.constructor,
      propertyName,
      constraints: [allowed],
      options: validationOptions,
      validator: {
        validate: (value: unknown) => isCurrencyCode(value) && allowed.includes(value),
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'currency'} must be one of ${allowed.join(', ')}`,
      },
    });
  };
}
