import {
  CURRENCY_CODES,
  currencyOf,
  InvalidRateError,
  isCurrencyCode,
  parseDecimalRate,
  ReferencePrices,
  STABLECOINS,
  UnsupportedCurrencyError,
} from './currency';
import { Money } from './money';

describe('currency registry', () => {
  it.each([
    ['USDC', 6, 'stablecoin'],
    ['USDT', 6, 'stablecoin'],
    ['PYUSD', 6, 'stablecoin'],
    ['EURC', 6, 'stablecoin'],
    ['USD', 2, 'fiat'],
  ] as const)('%s has scale %i and is a %s', (code, scale, kind) => {
    const currency = currencyOf(code);
    expect(currency.code).toBe(code);
    expect(currency.scale).toBe(scale);
    expect(currency.kind).toBe(kind);
    expect(currency.name).not.toBe('');
  });

  it('lists the stablecoins in order, and every code', () => {
    expect(STABLECOINS).toEqual(['USDC', 'USDT', 'PYUSD', 'EURC']);
    expect(CURRENCY_CODES).toEqual(['USDC', 'USDT', 'PYUSD', 'EURC', 'USD']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(currencyOf('USDC'))).toBe(true);
    expect(Object.isFrozen(STABLECOINS)).toBe(true);
  });

  it.each(['usdc', 'BTC', '', 'toString', '__proto__', 'constructor', ' USDC'])('refuses %j', (code) => {
    const error = (() => {
      try {
        currencyOf(code);
      } catch (caught) {
        return caught;
      }
      throw new Error('currencyOf accepted ' + code);
    })();
    expect(error).toBeInstanceOf(UnsupportedCurrencyError);
    expect(error).toMatchObject({
      code: 'UNSUPPORTED_CURRENCY',
      kind: 'invalid',
      details: { currency: code },
    });
  });

  it('isCurrencyCode narrows only supported codes', () => {
    expect(CURRENCY_CODES.every(isCurrencyCode)).toBe(true);
    for (const value of ['usd', 'EUR', 'hasOwnProperty', 6, null, undefined, {}, ['USDC']]) {
      expect(isCurrencyCode(value)).toBe(false);
    }
  });
});

describe('parseDecimalRate', () => {
  it('reads an exact fraction', () => {
    expect(parseDecimalRate('1.08')).toEqual({ units: 108n, scale: 2 });
    expect(parseDecimalRate('0.925925925925925926')).toEqual({ units: 925925925925925926n, scale: 18 });
    expect(parseDecimalRate('3')).toEqual({ units: 3n, scale: 0 });
  });

  it.each(['0', '0.000', '-1', '+1', '1e2', '01.5', '.5', '5.', '1,08', ' 1', 'NaN', ''])(
    'refuses %j',
    (rate) => {
      expect(() => parseDecimalRate(rate)).toThrow(InvalidRateError);
    },
  );
});

describe('ReferencePrices', () => {
  it('values every stablecoin at 1.00 USD by default, down to the cent', () => {
    const prices = new ReferencePrices();
    for (const code of STABLECOINS) {
      const value = prices.usdValue(Money.parse('12.345678', code));
      expect(value.currency.code).toBe('USD');
      expect(value.minor).toBe(1234n);
      expect(value.toDecimalString()).toBe('12.34');
    }
  });

  it('prices EURC at 1.08 exactly', () => {
    const prices = new ReferencePrices({ EURC: '1.08' });
    expect(prices.priceOf('EURC')).toBe('1.08');
    expect(prices.priceOf('USDC')).toBe('1');
    expect(prices.usdValue(Money.parse('100', 'EURC')).toDecimalString()).toBe('108.00');
    // 12.345678 × 1.08 = 13.33333224 → 13.33 (toward zero)
    expect(prices.usdValue(Money.parse('12.345678', 'EURC')).minor).toBe(1333n);
    // 0.009259 × 1.08 = 0.00999972 → 0.00, never rounded up to a cent
    expect(prices.usdValue(Money.parse('0.009259', 'EURC')).toDecimalString()).toBe('0.00');
    // 0.009260 × 1.08 = 0.0100008 → 0.01
    expect(prices.usdValue(Money.parse('0.00926', 'EURC')).toDecimalString()).toBe('0.01');
  });

  it('rounds negative values toward zero too', () => {
    const prices = new ReferencePrices({ EURC: '1.08' });
    expect(prices.usdValue(Money.parse('-12.345678', 'EURC')).toDecimalString()).toBe('-13.33');
    expect(prices.usdValue(Money.parse('-0.009259', 'EURC')).isZero()).toBe(true);
  });

  it('values the largest holding exactly, without floats', () => {
    const prices = new ReferencePrices({ USDT: '0.999' });
    // 9223372036854.775807 × 0.999 = 9214148664817.921031193 → 9214148664817.92
    expect(prices.usdValue(Money.of(2n ** 63n - 1n, 'USDT')).toDecimalString()).toBe('9214148664817.92');
  });

  it('leaves USD amounts as they are', () => {
    expect(new ReferencePrices({ EURC: '1.08' }).usdValue(Money.parse('7.05', 'USD')).toDecimalString()).toBe(
      '7.05',
    );
  });

  it('refuses bad prices and non-stablecoin overrides', () => {
    expect(() => new ReferencePrices({ EURC: '1.08.1' })).toThrow(InvalidRateError);
    expect(() => new ReferencePrices({ EURC: '0' })).toThrow(InvalidRateError);
    expect(() => new ReferencePrices({ USD: '2' })).toThrow(UnsupportedCurrencyError);
    expect(() => new ReferencePrices({ BTC: '60000' } as never)).toThrow(UnsupportedCurrencyError);
  });
});
