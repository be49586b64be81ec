/**
 * Auto-balance (a wallet preference, `autoBalance`): what one rebalancing swap should be, if any. Pure: amounts are
 * bigint minor units (stablecoins have 6 decimals), USD values bigint cents, shares and tolerance basis points.
 *
 * - `minimum`: keep at least `minimum` of the preferred currency available; when below, sell the stablecoin the user
 *   holds most of (by USD value) for the shortfall plus 1 % for the swap's fee and rounding.
 * - `shares`: keep each stablecoin's share of the USD value within `toleranceBps` of its target (currencies without
 *   a target aim at 0); when one is off by more, sell the most over-weight one for the most under-weight one, for
 *   the smaller of the excess and the deficit.
 * Never a swap worth less than `minSwapUsdCents`; one swap per run (the next run looks again).
 */
export type AutoBalanceMode = 'minimum' | 'shares';

export interface AutoBalanceTarget {
  mode: AutoBalanceMode;
  /** `minimum` mode: minor units of the preferred currency. */
  minimum: bigint | null;
  /** `shares` mode: basis points per currency, summing to 10,000. */
  shares: Record<string, number> | null;
  toleranceBps: number;
  minSwapUsdCents: bigint;
}

export interface Holding {
  currency: string;
  /** Available (posted less pending debits), minor units. */
  available: bigint;
  /** The USD price of one unit, in cents (a stablecoin at par: 100). */
  priceCents: bigint;
}

export interface RebalanceSwap {
  from: string;
  to: string;
  /** Minor units of `from` to sell. */
  amount: bigint;
  reason: 'below_minimum' | 'off_target';
}

const UNIT = 1_000_000n; // 10^6: minor units in one unit of a stablecoin

function usdCents(holding: Holding): bigint {
  return (holding.available * holding.priceCents) / UNIT;
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** Minor units of `holding` worth `cents` (rounded up), never more than it has. */
function sellFor(holding: Holding, cents: bigint): bigint {
  const wanted = ceilDiv(cents * UNIT, holding.priceCents);
  return wanted < holding.available ? wanted : holding.available;
}

export function planRebalance(
  preferred: string,
  holdings: Holding[],
  target: AutoBalanceTarget,
): RebalanceSwap | null {
  if (target.mode === 'minimum') {
    const minimum = target.minimum ?? 0n;
    const own = holdings.find((h) => h.currency === preferred);
    if (!own || own.available >= minimum) return null;
    const shortfallCents = ceilDiv((minimum - own.available) * own.priceCents, UNIT);
    const withFees = ceilDiv(shortfallCents * 101n, 100n);
    const sources = holdings
      .filter((h) => h.currency !== preferred && h.available > 0n)
      .sort((a, b) => (usdCents(b) > usdCents(a) ? 1 : usdCents(b) < usdCents(a) ? -1 : 0));
    const from = sources[0];
    if (!from) return null;
    const cents = withFees < usdCents(from) ? withFees : usdCents(from);
    if (cents < target.minSwapUsdCents || cents <= 0n) return null;
    return { from: from.currency, to: preferred, amount: sellFor(from, cents), reason: 'below_minimum' };
  }
  const shares = target.shares ?? {};
  const total = holdings.reduce((sum, h) => sum + usdCents(h), 0n);
  if (total <= 0n) return null;
  const deviations = holdings.map((h) => {
    const targetCents = (total * BigInt(shares[h.currency] ?? 0)) / 10_000n;
    return { holding: h, excess: usdCents(h) - targetCents };
  });
  const over = deviations.reduce((a, b) => (b.excess > a.excess ? b : a));
  const under = deviations.reduce((a, b) => (b.excess < a.excess ? b : a));
  const toleranceCents = (total * BigInt(target.toleranceBps)) / 10_000n;
  if (over.excess <= toleranceCents && -under.excess <= toleranceCents) return null;
  if (over.holding.currency === under.holding.currency || over.excess <= 0n || under.excess >= 0n)
    return null;
  const cents = over.excess < -under.excess ? over.excess : -under.excess;
  if (cents < target.minSwapUsdCents || cents <= 0n) return null;
  return {
    from: over.holding.currency,
    to: under.holding.currency,
    amount: sellFor(over.holding, cents),
    reason: 'off_target',
  };
}
