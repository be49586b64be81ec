import { UnsupportedCurrencyError } from './currency';
import {
  AmountOutOfRangeError,
  CurrencyMismatchError,
  InvalidAmountError,
  MAX_MINOR_UNITS,
  Money,
} from './money';

const MAX = 2n ** 63n - 1n;

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Money', () => {
  describe('construction', () => {
    it('holds bigint minor units and the registry currency', () => {
      const money = Money.of(12_500_000n, 'USDC');
      expect(money.minor).toBe(12_500_000n);
      expect(money.currency.code).toBe('USDC');
      expect(money.currency.scale).toBe(6);
      expect(money.code).toBe('USDC');
    });

    it('is immutable', () => {
      const money = Money.of(1n, 'USDC');
      expect(Object.isFrozen(money)).toBe(true);
      expect(() => {
        (money as { minor: bigint }).minor = 2n;
      }).toThrow(TypeError);
      expect(money.minor).toBe(1n);
    });

    it('zero', () => {
      expect(Money.zero('USD').minor).toBe(0n);
      expect(Money.zero('USD').toDecimalString()).toBe('0.00');
    });

    it('accepts ±(2^63−1) minor units and nothing beyond', () => {
      expect(MAX_MINOR_UNITS).toBe(MAX);
      expect(Money.of(MAX, 'USDC').minor).toBe(MAX);
      expect(Money.of(-MAX, 'USDC').minor).toBe(-MAX);
      const error = thrown(() => Money.of(MAX + 1n, 'USDC'));
      expect(error).toBeInstanceOf(AmountOutOfRangeError);
      expect(error).toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE', kind: 'invalid' });
      expect(() => Money.of(-MAX - 1n, 'USDC')).toThrow(AmountOutOfRangeError);
    });

    it('refuses a number where a bigint belongs, and unknown currencies', () => {
      expect(() => Money.of(5 as unknown as bigint, 'USDC')).toThrow(TypeError);
      expect(() => Money.of(5n, 'BTC' as never)).toThrow(UnsupportedCurrencyError);
    });
  });

  describe('toDecimalString', () => {
    it.each([
      [12_500_000n, 'USDC', '12.50'],
      [1n, 'USDC', '0.000001'],
      [100_000_000n, 'USDC', '100.00'],
      [-3_250_000n, 'USDC', '-3.25'],
      [0n, 'USDC', '0.00'],
      [123_456_789n, 'EURC', '123.456789'],
      [1_230_000n, 'PYUSD', '1.23'],
      [1_234_000n, 'USDT', '1.234'],
      [-1n, 'USDT', '-0.000001'],
      [-5n, 'USD', '-0.05'],
      [1_050n, 'USD', '10.50'],
      [MAX, 'USDC', '9223372036854.775807'],
      [-MAX, 'USDC', '-9223372036854.775807'],
      [MAX, 'USD', '92233720368547758.07'],
    ] as const)('%s minor %s → %s', (minor, code, text) => {
      const money = Money.of(minor, code);
      expect(money.toDecimalString()).toBe(text);
      expect(money.toJSON()).toBe(text);
      expect(JSON.stringify({ amount: money })).toBe(`{"amount":"${text}"}`);
    });

    it('toString names the currency', () => {
      expect(Money.of(12_500_000n, 'USDC').toString()).toBe('12.50 USDC');
    });
  });

  describe('parse', () => {
    it.each([
      ['12.50', 'USDC', 12_500_000n],
      ['12.5', 'USDC', 12_500_000n],
      ['0.000001', 'USDC', 1n],
      ['100', 'USDC', 100_000_000n],
      ['0', 'USDC', 0n],
      ['-3.25', 'USDC', -3_250_000n],
      ['10.05', 'USD', 1_005n],
      ['9223372036854.775807', 'USDC', MAX],
      ['-9223372036854.775807', 'USDC', -MAX],
      ['92233720368547758.07', 'USD', MAX],
    ] as const)('%j %s → %s', (text, code, minor) => {
      expect(Money.parse(text, code).minor).toBe(minor);
    });

    it('round-trips toDecimalString', () => {
      for (const text of ['12.50', '0.000001', '100.00', '-3.25', '123.456789']) {
        expect(Money.parse(text, 'EURC').toDecimalString()).toBe(text);
      }
    });

    it.each([
      ['1.0000001', 'USDC', 'amount must have at most 6 decimal places for USDC'],
      ['1.001', 'USD', 'amount must have at most 2 decimal places for USD'],
      ['+1', 'USDC', 'amount must not have a "+" sign'],
      ['1e3', 'USDC', 'amount must not use exponent notation'],
      ['007.5', 'USDC', 'amount must not have leading zeros'],
      ['-0', 'USDC', 'amount must not be negative zero'],
      ['9223372036854.775808', 'USDC', 'amount must be at most 9223372036854.775807 USDC'],
      ['abc', 'USDC', 'amount must be a decimal string such as "12.50"'],
    ] as const)('refuses %j (%s)', (text, code, problem) => {
      const error = thrown(() => Money.parse(text, code));
      expect(error).toBeInstanceOf(InvalidAmountError);
      expect((error as InvalidAmountError).problem).toBe(problem);
      expect((error as InvalidAmountError).code).toBe('VALIDATION_FAILED');
    });

    it('refuses negatives when unsigned, naming the field', () => {
      const error = thrown(() =>
        Money.parse('-1', 'USDC', { field: 'limit', signed: false }),
      ) as InvalidAmountError;
      expect(error.message).toBe('limit: limit must not be negative');
      expect(error.details).toEqual({
        fields: [{ field: 'limit', problems: ['limit must not be negative'] }],
      });
    });
  });

  describe('arithmetic', () => {
    const usdc = (text: string) => Money.parse(text, 'USDC');

    it('adds and subtracts exactly', () => {
      expect(usdc('0.1').plus(usdc('0.2')).toDecimalString()).toBe('0.30');
      expect(usdc('0.1').plus(usdc('0.2')).equals(usdc('0.3'))).toBe(true);
      expect(usdc('10').minus(usdc('12.000001')).toDecimalString()).toBe('-2.000001');
      expect(usdc('5').negate().minor).toBe(-5_000_000n);
      expect(usdc('-5').abs().minor).toBe(5_000_000n);
    });

    it('returns new values and leaves operands alone', () => {
      const a = usdc('1');
      const b = a.plus(usdc('2'));
      expect(a.minor).toBe(1_000_000n);
      expect(b.minor).toBe(3_000_000n);
      expect(b).not.toBe(a);
    });

    it('refuses results beyond bigint', () => {
      const max = Money.of(MAX, 'USDC');
      expect(() => max.plus(Money.of(1n, 'USDC'))).toThrow(AmountOutOfRangeError);
      expect(() => max.negate().minus(Money.of(1n, 'USDC'))).toThrow(AmountOutOfRangeError);
    });

    it('signs', () => {
      expect(usdc('0').isZero()).toBe(true);
      expect(usdc('0').isPositive()).toBe(false);
      expect(usdc('0').isNegative()).toBe(false);
      expect(usdc('0.000001').isPositive()).toBe(true);
      expect(usdc('-0.000001').isNegative()).toBe(true);
    });

    it('compares', () => {
      expect(usdc('1').compare(usdc('2'))).toBe(-1);
      expect(usdc('2').compare(usdc('2.0'))).toBe(0);
      expect(usdc('2.000001').compare(usdc('2'))).toBe(1);
      expect(usdc('2').greaterThan(usdc('1.999999'))).toBe(true);
      expect(usdc('2').greaterThan(usdc('2'))).toBe(false);
      expect(usdc('2').greaterThanOrEqual(usdc('2'))).toBe(true);
      expect(usdc('1').lessThan(usdc('1.000001'))).toBe(true);
      expect(usdc('1').lessThanOrEqual(usdc('0.999999'))).toBe(false);
    });

    it('min, max and sum', () => {
      expect(Money.min(usdc('3'), usdc('-1'), usdc('2')).toDecimalString()).toBe('-1.00');
      expect(Money.max(usdc('3'), usdc('-1'), usdc('3.5')).toDecimalString()).toBe('3.50');
      expect(Money.min(usdc('7')).toDecimalString()).toBe('7.00');
      expect(Money.sum([usdc('0.1'), usdc('0.2'), usdc('-0.05')], 'USDC').toDecimalString()).toBe('0.25');
      expect(Money.sum([], 'USD').toDecimalString()).toBe('0.00');
      expect(Money.sum([], 'USD').currency.code).toBe('USD');
    });

    it('never mixes currencies', () => {
      const dollars = Money.parse('1', 'USDC');
      const tethers = Money.parse('1', 'USDT');
      const error = thrown(() => dollars.plus(tethers));
      expect(error).toBeInstanceOf(CurrencyMismatchError);
      expect(error).toMatchObject({
        code: 'CURRENCY_MISMATCH',
        kind: 'invalid',
        details: { expected: 'USDC', actual: 'USDT' },
      });
      for (const action of [
        () => dollars.minus(tethers),
        () => dollars.compare(tethers),
        () => dollars.greaterThan(tethers),
        () => dollars.lessThan(tethers),
        () => Money.min(dollars, tethers),
        () => Money.max(dollars, tethers),
        () => Money.sum([dollars], 'USDT'),
      ]) {
        expect(action).toThrow(CurrencyMismatchError);
      }
      expect(dollars.equals(tethers)).toBe(false);
    });
  });

  describe('convert', () => {
    it('converts exactly when the product fits the target scale', () => {
      const { result, inexact } = Money.parse('100', 'EURC').convert('1.08', 'USDC', 'down');
      expect(result.toDecimalString()).toBe('108.00');
      expect(result.currency.code).toBe('USDC');
      expect(inexact).toBe(false);
    });

    it('rounds down (toward zero) or up (away from zero) by at most one minor unit', () => {
      // 10.000001 EURC × 1.08 = 10.80000108 USDC
      const amount = Money.parse('10.000001', 'EURC');
      const down = amount.convert('1.08', 'USDC', 'down');
      const up = amount.convert('1.08', 'USDC', 'up');
      expect(down).toEqual({ result: Money.of(10_800_001n, 'USDC'), inexact: true });
      expect(up.result.minor).toBe(10_800_002n);
      expect(up.inexact).toBe(true);
    });

    it('rescales to a smaller target scale', () => {
      // 12.345678 USDC × 1 = 12.345678 USD → 12.34 down, 12.35 up
      expect(Money.parse('12.345678', 'USDC').convert('1', 'USD', 'down').result.toDecimalString()).toBe(
        '12.34',
      );
      expect(Money.parse('12.345678', 'USDC').convert('1', 'USD', 'up').result.toDecimalString()).toBe(
        '12.35',
      );
      expect(Money.parse('12.34', 'USDC').convert('1', 'USD', 'up')).toEqual({
        result: Money.of(1_234n, 'USD'),
        inexact: false,
      });
    });

    it('rescales to a larger target scale', () => {
      // 12.34 × 0.925925 = 11.4259145 → 11.425914 down, 11.425915 up
      expect(Money.parse('12.34', 'USD').convert('0.925925', 'EURC', 'down').result.minor).toBe(11_425_914n);
      expect(Money.parse('12.34', 'USD').convert('0.925925', 'EURC', 'up').result.minor).toBe(11_425_915n);
    });

    it('rounds negatives symmetrically', () => {
      const amount = Money.parse('-10.000001', 'EURC');
      expect(amount.convert('1.08', 'USDC', 'down').result.minor).toBe(-10_800_001n);
      expect(amount.convert('1.08', 'USDC', 'up').result.minor).toBe(-10_800_002n);
    });

    it('is exact far beyond float precision', () => {
      // 9007199254.740993 × 1.000000000000000001 = 9007199254.740993009007199254740993 → …993 / …994
      const amount = Money.parse('9007199254.740993', 'USDC');
      expect(amount.convert('1.000000000000000001', 'USDT', 'down').result.minor).toBe(
        9_007_199_254_740_993n,
      );
      expect(amount.convert('1.000000000000000001', 'USDT', 'up').result.minor).toBe(9_007_199_254_740_994n);
    });

    it('refuses bad rates and results beyond bigint', () => {
      const amount = Money.parse('1', 'USDC');
      for (const rate of ['0', '-1', '1e2', '1,08', '.5', 'abc']) {
        expect(() => amount.convert(rate, 'USDT', 'down')).toThrow(
          expect.objectContaining({ code: 'INVALID_RATE' }),
        );
      }
      expect(() => Money.of(MAX, 'USDC').convert('2', 'USDT', 'down')).toThrow(AmountOutOfRangeError);
    });
  });
});
