import { Money, ReferencePrices, type CurrencyCode } from '#monay/kernel';
import { loadConfig } from '#monay/shared';
import { ProviderRefusedError } from '../domain/providers.errors';
import { CircleSandbox } from './circle-sandbox';
import { MonaySandbox } from './monay-sandbox';
import { circleFees, deliveredAmount, exchangeRate, monayFees, tempoFees } from './sandbox-fee-models';
import type { SandboxRuntime } from './sandbox-runtime';
import { TempoSandbox } from './tempo-sandbox';

const usdc = (decimal: string, code: CurrencyCode = 'USDC') => Money.parse(decimal, code);
const fee = (minor: bigint, code: CurrencyCode = 'USDC') => Money.of(minor, code).toDecimalString();

describe('sandbox fee models (in the transaction currency, 6-decimal minor units)', () => {
  describe('Tempo', () => {
    it('charges 0.0001 per on-chain transfer and once per batch whatever its legs', () => {
      expect(fee(tempoFees('transferOut', usdc('1000000.00'), 1))).toBe('0.0001');
      expect(fee(tempoFees('batchTransfer', usdc('5.00'), 1))).toBe('0.0001');
      expect(fee(tempoFees('batchTransfer', usdc('5000.00'), 250))).toBe('0.0001');
    });

    it('charges 0.10 % on ramps, at least 0.0001, rounded up', () => {
      expect(fee(tempoFees('deposit', usdc('1000.00'), 1))).toBe('1.00');
      expect(fee(tempoFees('withdraw', usdc('12.345678'), 1))).toBe('0.012346'); // 0.0123456… up
      expect(fee(tempoFees('deposit', usdc('0.05'), 1))).toBe('0.0001'); // 0.00005 → the minimum
      expect(fee(tempoFees('deposit', usdc('0.10'), 1))).toBe('0.0001'); // exactly the minimum
    });

    it('charges 0.03 % on swaps, rounded up', () => {
      expect(fee(tempoFees('swap', usdc('100.00'), 1))).toBe('0.03');
      expect(fee(tempoFees('swap', usdc('0.000001'), 1))).toBe('0.000001');
    });
  });

  describe('Circle', () => {
    it('charges a 0.02 network fee per transfer out, nothing on deposits, 1.00 flat per withdrawal', () => {
      expect(fee(circleFees('transferOut', usdc('1.00'), 1))).toBe('0.02');
      expect(circleFees('deposit', usdc('25000.00'), 1)).toBe(0n);
      expect(fee(circleFees('withdraw', usdc('25000.00', 'EURC'), 1), 'EURC')).toBe('1.00');
    });
  });

  describe('Monay', () => {
    it('charges 0.50 flat per transaction and 0.10 % on swaps', () => {
      for (const operation of ['deposit', 'withdraw', 'transferOut'] as const) {
        expect(fee(monayFees(operation, usdc('7.00', 'USDT'), 1), 'USDT')).toBe('0.50');
      }
      expect(fee(monayFees('swap', usdc('250.00'), 1))).toBe('0.25');
    });
  });

  it('makes large ramps cheaper at Circle and small ones and on-chain transfers cheaper at Tempo', () => {
    const large = usdc('10000.00');
    expect(circleFees('withdraw', large, 1)).toBeLessThan(tempoFees('withdraw', large, 1)); // 1.00 < 10.00
    expect(circleFees('deposit', large, 1)).toBeLessThan(tempoFees('deposit', large, 1));
    const small = usdc('50.00');
    expect(tempoFees('withdraw', small, 1)).toBeLessThan(circleFees('withdraw', small, 1)); // 0.05 < 1.00
    expect(tempoFees('transferOut', large, 1)).toBeLessThan(circleFees('transferOut', large, 1));
    expect(circleFees('transferOut', small, 1)).toBeLessThan(monayFees('transferOut', small, 1));
  });
});

describe('sandbox exchange rates and delivery', () => {
  const prices = new ReferencePrices({ EURC: '1.08' });

  it('quotes dollar stablecoins at par and EURC from its reference price, truncated to 8 decimals', () => {
    expect(exchangeRate(prices, 'USDC', 'USDT')).toBe('1.00000000');
    expect(exchangeRate(prices, 'EURC', 'USDC')).toBe('1.08000000');
    expect(exchangeRate(prices, 'USDC', 'EURC')).toBe('0.92592592');
  });

  it('delivers round-half-up in the target currency', () => {
    // 10.000001 × 0.5 = 5.0000005 → half → up
    expect(deliveredAmount(usdc('10.000001'), '0.5', 'USDT')).toBe(5_000_001n);
    // 10.000001 × 0.49999999 = 5.00000039… → down
    expect(deliveredAmount(usdc('10.000001'), '0.49999999', 'USDT')).toBe(5_000_000n);
    // 99.97 × 0.92592592 = 92.5648142… → 92.564814
    expect(deliveredAmount(usdc('99.97'), '0.92592592', 'EURC')).toBe(92_564_814n);
    expect(deliveredAmount(usdc('3.00'), '1.00000000', 'USDT')).toBe(3_000_000n);
  });
});

describe('sandbox estimates', () => {
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: ':memory:', LOG_LEVEL: 'silent' });
  const runtime = { config } as unknown as SandboxRuntime;
  const tempo = new TempoSandbox(runtime);
  const circle = new CircleSandbox(runtime);
  const monay = new MonaySandbox(runtime);

  it('answer the fee model and the typical settlement time, without a call', () => {
    expect(tempo.estimate('batchTransfer', usdc('300.00'), 3)).toEqual({ fee: 100n, settlementMs: 60 });
    expect(circle.estimate('withdraw', usdc('300.00'), 1)).toEqual({ fee: 1_000_000n, settlementMs: 2_500 });
    expect(monay.estimate('deposit', usdc('300.00', 'USDT'), 1)).toEqual({
      fee: 500_000n,
      settlementMs: 1_500,
    });
  });

  it('refuse an operation or currency the provider lacks', () => {
    expect(() => circle.estimate('batchTransfer', usdc('1.00'), 2)).toThrow(ProviderRefusedError);
    expect(() => circle.estimate('swap', usdc('1.00'), 1)).toThrow(ProviderRefusedError);
    expect(() => circle.estimate('deposit', usdc('1.00', 'USDT'), 1)).toThrow(ProviderRefusedError);
    expect(() => monay.estimate('transferOut', usdc('1.00', 'PYUSD'), 1)).toThrow(ProviderRefusedError);
    expect(() => monay.estimate('batchTransfer', usdc('1.00'), 2)).toThrow(ProviderRefusedError);
    expect(tempo.estimate('transferOut', usdc('1.00', 'PYUSD'), 1).fee).toBe(100n);
  });

  it('declare their currencies and batches as the vendors do', () => {
    expect(tempo.capabilities.currencies.swap).toEqual(['USDC', 'USDT', 'PYUSD', 'EURC']);
    expect(tempo.capabilities.nativeBatch).toBe(true);
    expect(circle.capabilities.currencies.transferOut).toEqual(['USDC', 'EURC']);
    expect(circle.capabilities.nativeBatch).toBe(false);
    expect(monay.capabilities.currencies.deposit).toEqual(['USDC', 'USDT']);
    expect(monay.capabilities.currencies.swap).toEqual(['USDC', 'USDT']);
  });
});
