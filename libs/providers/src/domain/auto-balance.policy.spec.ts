import { planRebalance, type Holding } from './auto-balance.policy';

const h = (currency: string, units: number, priceCents = 100n): Holding => ({
  currency,
  available: BigInt(units) * 1_000_000n,
  priceCents,
});

describe('auto-balance policy', () => {
  const minimum = {
    mode: 'minimum' as const,
    minimum: 50_000_000n,
    shares: null,
    toleranceBps: 0,
    minSwapUsdCents: 100n,
  };

  it('tops the preferred currency up to its minimum from the largest other holding, fees included', () => {
    expect(planRebalance('USDC', [h('USDC', 30), h('USDT', 100), h('EURC', 10, 108n)], minimum)).toEqual({
      from: 'USDT',
      to: 'USDC',
      amount: 20_200_000n, // 20.00 short, plus 1 %
      reason: 'below_minimum',
    });
    expect(planRebalance('USDC', [h('USDC', 50), h('USDT', 100)], minimum)).toBeNull();
    // never below the minimum swap, never more than there is
    expect(
      planRebalance(
        'USDC',
        [{ currency: 'USDC', available: 49_500_000n, priceCents: 100n }, h('USDT', 100)],
        minimum,
      ),
    ).toBeNull();
    expect(planRebalance('USDC', [h('USDC', 0), h('USDT', 7)], minimum)?.amount).toBe(7_000_000n);
  });

  it('moves the most over-weight share to the most under-weight one when off by more than the tolerance', () => {
    const shares = {
      mode: 'shares' as const,
      minimum: null,
      shares: { USDC: 5_000, USDT: 5_000 },
      toleranceBps: 500,
      minSwapUsdCents: 100n,
    };
    expect(planRebalance('USDC', [h('USDC', 80), h('USDT', 20)], shares)).toEqual({
      from: 'USDC',
      to: 'USDT',
      amount: 30_000_000n,
      reason: 'off_target',
    });
    expect(planRebalance('USDC', [h('USDC', 54), h('USDT', 46)], shares)).toBeNull();
    expect(planRebalance('USDC', [h('USDC', 0), h('USDT', 0)], shares)).toBeNull();
  });
});
