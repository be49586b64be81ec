import type { CurrencyCode } from '#monay/kernel';
import {
  balanceEffects,
  balanceLineView,
  compareBalance,
  compareProvider,
  discrepancyView,
  inTransitTotals,
  outcomeOf,
} from './reconciliation';
import type { ProviderTransaction } from './stablecoin-provider.port';

function transaction(overrides: Partial<ProviderTransaction>): ProviderTransaction {
  return {
    provider: 'tempo',
    providerTransactionId: '0xabc',
    idempotencyKey: 'key',
    operation: 'deposit',
    status: 'completed',
    providerStatus: 'finalized',
    currency: 'USDC',
    amount: 0n,
    fee: 0n,
    createdAt: new Date(0),
    ...overrides,
  };
}

describe('provider reconciliation rules', () => {
  it('counts a completed deposit as amount − fee at the provider (the fee is withheld)', () => {
    expect(balanceEffects(transaction({ operation: 'deposit', amount: 25_000_000n, fee: 25_000n }))).toEqual([
      { currency: 'USDC', amount: 24_975_000n },
    ]);
  });

  it('counts withdrawals, transfers out and batches as −(amount + fee)', () => {
    for (const operation of ['withdraw', 'transferOut', 'batchTransfer'] as const) {
      expect(balanceEffects(transaction({ operation, amount: 10_000_000n, fee: 1_000_000n }))).toEqual([
        { currency: 'USDC', amount: -11_000_000n },
      ]);
    }
  });

  it('counts a swap as the amount sold out of one currency and the amount delivered into the other', () => {
    const swap = transaction({
      operation: 'swap',
      currency: 'USDC',
      amount: 100_000_000n,
      fee: 30_000n,
      swapOut: { currency: 'EURC', amount: 92_422_265n },
    });
    expect(balanceEffects(swap)).toEqual([
      { currency: 'USDC', amount: -100_000_000n },
      { currency: 'EURC', amount: 92_422_265n },
    ]);
  });

  it('sums only completed transactions into money in transit', () => {
    const totals = inTransitTotals([
      transaction({ operation: 'deposit', amount: 5_000_000n, fee: 100n }),
      transaction({ operation: 'withdraw', amount: 1_000_000n, fee: 1_000n }),
      transaction({ operation: 'deposit', amount: 7_000_000n, fee: 0n, status: 'pending' }),
      transaction({ operation: 'deposit', amount: 9_000_000n, fee: 0n, status: 'failed' }),
      transaction({ operation: 'deposit', amount: 3_000_000n, fee: 0n, currency: 'EURC' }),
    ]);
    expect(totals).toEqual(
      new Map<CurrencyCode, bigint>([
        ['USDC', 4_999_900n - 1_001_000n],
        ['EURC', 3_000_000n],
      ]),
    );
  });

  it('explains a difference by money in transit, and leaves the rest unexplained', () => {
    expect(compareBalance('USDC', 10_000_000n, -10_000_000n, 0n)).toMatchObject({
      difference: 0n,
      unexplained: 0n,
    });
    expect(compareBalance('USDC', 12_000_000n, -10_000_000n, 2_000_000n)).toMatchObject({
      difference: 2_000_000n,
      unexplained: 0n,
    });
    expect(compareBalance('USDC', 12_000_000n, -10_000_000n, 500_000n)).toMatchObject({
      difference: 2_000_000n,
      unexplained: 1_500_000n,
    });
    expect(compareBalance('USDC', 0n, 3n, 0n)).toMatchObject({ difference: 3n, unexplained: 3n });
  });

  it('compares every currency supported, reported, booked or in transit, in registry order', () => {
    const lines = compareProvider({
      supported: ['EURC', 'USDC'],
      reported: new Map<CurrencyCode, bigint>([['USDC', 1n]]),
      ledger: new Map<CurrencyCode, bigint>([
        ['USDC', -1n],
        ['USDT', -5n],
        ['PYUSD', 0n],
      ]),
      inTransit: new Map<CurrencyCode, bigint>([['PYUSD', 2n]]),
    });
    expect(lines.map((line) => [line.currency, line.unexplained])).toEqual([
      ['USDC', 0n],
      ['USDT', -5n],
      ['PYUSD', -2n],
      ['EURC', 0n],
    ]);
  });

  it('answers amounts as exact decimal strings of the currency', () => {
    const line = compareBalance('USDC', 24_975_000n, -24_975_000n + 1n, 0n);
    expect(balanceLineView(line)).toEqual({
      currency: 'USDC',
      provider: '24.975',
      ledger: '-24.974999',
      difference: '0.000001',
      inTransit: '0.00',
      unexplained: '0.000001',
      ok: false,
    });
    expect(discrepancyView('circle', line)).toEqual({
      provider: 'circle',
      currency: 'USDC',
      ledger: '-24.974999',
      reported: '24.975',
      difference: '0.000001',
      inTransit: '0.00',
      unexplained: '0.000001',
    });
  });

  it('fails a run that could not ask a provider, whatever else it found', () => {
    const none = { unreachableProviders: 0, discrepancies: 0, ledgerBreaches: 0 };
    expect(outcomeOf(none)).toBe('ok');
    expect(outcomeOf({ ...none, discrepancies: 1 })).toBe('discrepancies');
    expect(outcomeOf({ ...none, ledgerBreaches: 2 })).toBe('discrepancies');
    expect(outcomeOf({ ...none, unreachableProviders: 1, discrepancies: 1 })).toBe('failed');
    expect(outcomeOf({ ...none, error: true })).toBe('failed');
  });
});
