import { InvalidAmountError, Money } from '#monay/kernel';
import { fromCircleMoney, toCircleMoney } from './circle-wire';
import { isEvmAddress, newEvmAddress } from './evm-address';
import { decodeMemo, encodeMemo, fromBaseUnits, newTxHash, toBaseUnits } from './tempo-wire';

describe('Tempo wire format (TIP-20)', () => {
  it('writes amounts as integer strings of 6-decimal base units and reads them back exactly', () => {
    expect(toBaseUnits(Money.parse('12.50', 'USDC'))).toBe('12500000');
    expect(toBaseUnits(Money.parse('0.000001', 'PYUSD'))).toBe('1');
    const huge = Money.parse('9223372036854.775807', 'USDT');
    expect(fromBaseUnits(toBaseUnits(huge), 'USDT')).toBe(huge.minor);
  });

  it.each(['12.5', '-1', '1e6', '0x10', ' 1', '', '01'])('refuses %p as base units', (value) => {
    expect(() => fromBaseUnits(value, 'USDC')).toThrow();
  });

  it('makes 0x + 64 hex transaction hashes, all different', () => {
    const hashes = new Set(Array.from({ length: 50 }, newTxHash));
    expect(hashes.size).toBe(50);
    for (const hash of hashes) expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('carries a memo as one bytes32 (UTF-8, zero-padded) and refuses a longer one', () => {
    const memo = encodeMemo('invoice 42 — café');
    expect(memo).toMatch(/^0x[0-9a-f]{64}$/);
    expect(decodeMemo(memo)).toBe('invoice 42 — café');
    expect(decodeMemo(encodeMemo(''))).toBe('');
    expect(encodeMemo('x'.repeat(32))).not.toBeNull();
    expect(encodeMemo('x'.repeat(33))).toBeNull();
    expect(encodeMemo('é'.repeat(17))).toBeNull(); // 34 bytes
  });
});

describe('Circle wire format (decimal strings)', () => {
  it('writes USDC as USD and EURC as EUR decimal strings', () => {
    expect(toCircleMoney(Money.parse('12.5', 'USDC'))).toEqual({ amount: '12.50', currency: 'USD' });
    expect(toCircleMoney(Money.parse('0.000001', 'EURC'))).toEqual({ amount: '0.000001', currency: 'EUR' });
    expect(() => toCircleMoney(Money.parse('1', 'USDT'))).toThrow(RangeError);
  });

  it('reads decimal strings back exactly with the strict parser, never as floats', () => {
    expect(fromCircleMoney({ amount: '0.10', currency: 'USD' }, 'USDC')).toBe(100_000n);
    expect(fromCircleMoney({ amount: '1234567.891234', currency: 'EUR' }, 'EURC')).toBe(1_234_567_891_234n);
    // 0.1 + 0.2 as floats would not be 0.3; the parser never goes through a float.
    expect(fromCircleMoney({ amount: '0.3', currency: 'USD' }, 'USDC')).toBe(300_000n);
  });

  it('refuses a malformed amount or a currency that does not match the token', () => {
    expect(() => fromCircleMoney({ amount: '1.0000001', currency: 'USD' }, 'USDC')).toThrow(
      InvalidAmountError,
    );
    expect(() => fromCircleMoney({ amount: '1e3', currency: 'USD' }, 'USDC')).toThrow(InvalidAmountError);
    expect(() => fromCircleMoney({ amount: '-1.00', currency: 'USD' }, 'USDC')).toThrow(InvalidAmountError);
    expect(() => fromCircleMoney({ amount: 12.5, currency: 'USD' }, 'USDC')).toThrow(TypeError);
    expect(() => fromCircleMoney({ amount: '12.50', currency: 'EUR' }, 'USDC')).toThrow(TypeError);
  });
});

describe('EVM addresses', () => {
  it('accepts 0x + 40 hex digits in either case, nothing else', () => {
    expect(isEvmAddress(newEvmAddress())).toBe(true);
    expect(isEvmAddress('0xAbCdEf0123456789abcdef0123456789ABCDEF01')).toBe(true);
    for (const bad of [
      '',
      '0x',
      `0x${'a'.repeat(39)}`,
      `0x${'a'.repeat(41)}`,
      `0x${'g'.repeat(40)}`,
      'a'.repeat(42),
      'monay:abc',
      undefined,
    ]) {
      expect(isEvmAddress(bad)).toBe(false);
    }
  });
});
