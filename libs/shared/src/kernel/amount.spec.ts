import { parseAmountInput } from './amount';
import type { CurrencyCode } from './currency';
import { AmountTooLargeError, InvalidAmountError } from './money';

function refusal(input: unknown, code: CurrencyCode = 'USDC', options = {}): InvalidAmountError {
  try {
    parseAmountInput(input, code, options);
  } catch (error) {
    if (error instanceof InvalidAmountError) return error;
    throw error;
  }
  throw new Error(`parseAmountInput accepted ${String(input)}`);
}

describe('parseAmountInput', () => {
  describe('refuses', () => {
    const POSITIVE = 'must be a positive decimal string such as "12.50"';
    it.each<[string, unknown, CurrencyCode, string]>([
      ['undefined', undefined, 'USDC', 'is required'],
      ['null', null, 'USDC', 'is required'],
      ['true', true, 'USDC', POSITIVE],
      ['false', false, 'USDC', POSITIVE],
      ['an array', ['12.50'], 'USDC', POSITIVE],
      ['an object', { value: '12.50' }, 'USDC', POSITIVE],
      ['a bigint', 12n, 'USDC', POSITIVE],
      ['an empty string', '', 'USDC', 'must not be empty'],
      ['a leading space', ' 12.50', 'USDC', 'must not have leading or trailing spaces'],
      ['a trailing newline', '12.50\n', 'USDC', 'must not have leading or trailing spaces'],
      ['a no-break space', '12.50\u00a0', 'USDC', 'must not have leading or trailing spaces'],
      ['a negative string', '-1', 'USDC', 'must not be negative'],
      ['negative zero string', '-0', 'USDC', 'must not be negative'],
      ['a negative number', -1, 'USDC', 'must not be negative'],
      ['a plus sign', '+1', 'USDC', 'must not have a "+" sign'],
      ['zero', '0', 'USDC', 'must be greater than zero'],
      ['zero with decimals', '0.000000', 'USDC', 'must be greater than zero'],
      ['the number zero', 0, 'USDC', 'must be greater than zero'],
      ['the number negative zero', -0, 'USDC', 'must be greater than zero'],
      ['"NaN"', 'NaN', 'USDC', 'must be a finite number'],
      ['"Infinity"', 'Infinity', 'USDC', 'must be a finite number'],
      ['"-Infinity"', '-Infinity', 'USDC', 'must not be negative'],
      ['NaN', Number.NaN, 'USDC', 'must be a finite number'],
      ['Infinity', Number.POSITIVE_INFINITY, 'USDC', 'must be a finite number'],
      ['-Infinity', Number.NEGATIVE_INFINITY, 'USDC', 'must be a finite number'],
      ['"1e3"', '1e3', 'USDC', 'must not use exponent notation'],
      ['"1E-2"', '1E-2', 'USDC', 'must not use exponent notation'],
      ['"1.5e+2"', '1.5e+2', 'USDC', 'must not use exponent notation'],
      ['1e21 (String() "1e+21")', 1e21, 'USDC', 'must not use exponent notation'],
      ['1e-7 (String() "1e-7")', 1e-7, 'USDC', 'must not use exponent notation'],
      ['"0x10"', '0x10', 'USDC', 'must not use hexadecimal, octal or binary notation'],
      ['"0o17"', '0o17', 'USDC', 'must not use hexadecimal, octal or binary notation'],
      ['"0b101"', '0b101', 'USDC', 'must not use hexadecimal, octal or binary notation'],
      ['a leading dot', '.5', 'USDC', 'must have a digit before the decimal point, such as "0.5"'],
      ['a trailing dot', '5.', 'USDC', 'must have digits after the decimal point'],
      ['a thousands separator', '1,000', 'USDC', 'must not contain commas'],
      ['a decimal comma', '12,50', 'USDC', 'must not contain commas'],
      ['an underscore separator', '1_000', 'USDC', 'must not contain digit separators'],
      ['a space separator', '1 000', 'USDC', 'must not contain digit separators'],
      ['seven decimals for USDC', '1.0000001', 'USDC', 'must have at most 6 decimal places for USDC'],
      ['seven decimals for EURC', '0.1234567', 'EURC', 'must have at most 6 decimal places for EURC'],
      ['three decimals for USD', '1.001', 'USD', 'must have at most 2 decimal places for USD'],
      ['trailing zeros beyond the scale', '1.000', 'USD', 'must have at most 2 decimal places for USD'],
      ['a float sum', 0.1 + 0.2, 'USDC', 'must have at most 6 decimal places for USDC'],
      ['a number with too many decimals', 12.1234567, 'USDC', 'must have at most 6 decimal places for USDC'],
      ['2^63 minor units', '9223372036854.775808', 'USDC', 'must be at most 9223372036854.775807 USDC'],
      ['2^63 USD cents', '92233720368547758.08', 'USD', 'must be at most 92233720368547758.07 USD'],
      ['a huge integer part', '1'.repeat(400), 'USDC', 'must be at most 9223372036854.775807 USDC'],
      ['a number beyond 2^53', 9007199254740992, 'USD', 'is too large to be exact as a JSON number'],
      [
        'a number that lost digits',
        1234567890.123456,
        'USDC',
        'has too many digits to be exact as a JSON number',
      ],
      ['leading zeros', '007.5', 'USDC', 'must not have leading zeros'],
      ['a leading zero on an integer', '01', 'USDC', 'must not have leading zeros'],
      ['two dots', '1.2.3', 'USDC', POSITIVE],
      ['a currency suffix', '12.50 USDC', 'USDC', POSITIVE],
      ['a dollar sign', '$12.50', 'USDC', POSITIVE],
      ['a lone dot', '.', 'USDC', POSITIVE],
      ['a lone minus', '-', 'USDC', 'must not be negative'],
      ['full-width digits', '\uff11\uff12', 'USDC', POSITIVE],
    ])('%s', (_name, input, code, reason) => {
      const error = refusal(input, code);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.kind).toBe('invalid');
      expect(error.field).toBe('amount');
      expect(error.reason.startsWith(reason)).toBe(true);
      expect(error.problem).toBe(`amount ${error.reason}`);
      expect(error.message).toBe(`amount: ${error.problem}`);
    });

    it('names the field in the ValidationPipe shape', () => {
      const error = refusal('1.001', 'USD', { field: 'limits.daily' });
      expect(error.message).toBe('limits.daily: limits.daily must have at most 2 decimal places for USD');
      expect(error.details).toEqual({
        fields: [
          { field: 'limits.daily', problems: ['limits.daily must have at most 2 decimal places for USD'] },
        ],
      });
    });

    it('refuses an unknown currency with its own error', () => {
      expect(() => parseAmountInput('1', 'BTC' as CurrencyCode)).toThrow(
        expect.objectContaining({ code: 'UNSUPPORTED_CURRENCY' }),
      );
    });
  });

  describe('refuses what one movement may not move', () => {
    it.each<[unknown, CurrencyCode, string]>([
      ['1000000000.000001', 'USDC', '1000000000.00 USDC'],
      ['9000000000000', 'USDC', '1000000000.00 USDC'],
      ['9223372036854.775807', 'USDT', '1000000000.00 USDT'],
      ['1000000000.01', 'USD', '1000000000.00 USD'],
      [9007199254740991, 'USD', '1000000000.00 USD'],
    ])('%j %s: AMOUNT_TOO_LARGE naming the maximum', (input, code, maximum) => {
      let thrown: unknown;
      try {
        parseAmountInput(input, code, { field: 'amount' });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(AmountTooLargeError);
      expect(thrown).toMatchObject({
        code: 'AMOUNT_TOO_LARGE',
        kind: 'invalid',
        message: `amount must be at most ${maximum} per movement`,
        details: { field: 'amount', maximum: maximum.split(' ')[0], currency: code },
      });
    });
  });

  describe('accepts', () => {
    it.each<[unknown, CurrencyCode, bigint, string]>([
      ['12.50', 'USDC', 12_500_000n, '12.50'],
      ['12.5', 'USDC', 12_500_000n, '12.50'],
      ['0.000001', 'USDC', 1n, '0.000001'],
      ['0.5', 'USDT', 500_000n, '0.50'],
      [12.5, 'USDC', 12_500_000n, '12.50'],
      [0.000001, 'PYUSD', 1n, '0.000001'],
      [100, 'USD', 10_000n, '100.00'],
      [0.1, 'USD', 10n, '0.10'],
      ['1000000', 'USDC', 1_000_000_000_000n, '1000000.00'],
      ['10.05', 'USD', 1_005n, '10.05'],
      ['123.456789', 'EURC', 123_456_789n, '123.456789'],
      ['1000000000', 'USDC', 1_000_000_000_000_000n, '1000000000.00'],
      ['1000000000.00', 'USD', 100_000_000_000n, '1000000000.00'],
      [123456789.123456, 'USDC', 123_456_789_123_456n, '123456789.123456'],
    ])('%j %s', (input, code, minor, text) => {
      const money = parseAmountInput(input, code);
      expect(money.minor).toBe(minor);
      expect(money.currency.code).toBe(code);
      expect(money.toDecimalString()).toBe(text);
    });

    it.each<[unknown, CurrencyCode, bigint]>([
      ['9223372036854.775807', 'USDC', 2n ** 63n - 1n],
      ['92233720368547758.07', 'USD', 2n ** 63n - 1n],
      [9007199254740991, 'USD', 900719925474099100n],
    ])(
      '%j %s up to the bigint columns when the per-movement maximum does not apply',
      (input, code, minor) => {
        expect(parseAmountInput(input, code, { perMovementMaximum: false }).minor).toBe(minor);
      },
    );

    it('accepts zero only when allowed', () => {
      expect(parseAmountInput('0', 'USDC', { allowZero: true }).minor).toBe(0n);
      expect(parseAmountInput('0.00', 'USD', { allowZero: true }).minor).toBe(0n);
      expect(parseAmountInput(0, 'USDC', { allowZero: true }).isZero()).toBe(true);
      expect(() => parseAmountInput('-0', 'USDC', { allowZero: true })).toThrow(InvalidAmountError);
    });
  });
});
