import {
  addMonths,
  contributionsOf,
  divideRounded,
  isCalendarDay,
  median,
  mergeDeltas,
  rollupOf,
  segmentsOf,
  negated,
  netOf,
  periodsOf,
  previousRanges,
  share,
  startOfWeek,
  usdCents,
  type RollupFact,
} from './rollup';

const USER = '00000000-0000-4000-8000-00000000000a';

function fact(overrides: Partial<RollupFact>): RollupFact {
  return {
    userId: USER,
    localDay: '2026-01-31',
    direction: 'out',
    excluded: false,
    status: 'completed',
    currency: 'USDC',
    amount: 10_000_000n,
    fee: 0n,
    feeMode: 'on_top',
    usdAmount: 1_000n,
    usdFee: 0n,
    category: 'FOOD_AND_DRINK',
    subCategory: 'FOOD_AND_DRINK_RESTAURANT',
    merchant: null,
    counterparty: 'bob',
    ...overrides,
  };
}

describe('rollup maths: what one movement adds to its day', () => {
  it('adds nothing until a movement completes', () => {
    expect(contributionsOf(fact({ status: 'processing' }))).toEqual([]);
    expect(contributionsOf(fact({ status: 'failed' }))).toEqual([]);
  });

  it('puts a fee charged on top under BANK_FEES, beside the principal', () => {
    const deltas = contributionsOf(fact({ fee: 100_000n, usdFee: 10n }));
    expect(deltas.map((d) => [d.direction, d.category, d.amount, d.usdAmount, d.counterparty])).toEqual([
      ['out', 'FOOD_AND_DRINK', 10_000_000n, 1_000n, 'bob'],
      ['out', 'BANK_FEES', 100_000n, 10n, ''],
    ]);
    expect(netOf(deltas)).toBe(-10_100_000n); // the wallet paid amount + fee
  });

  it('counts a deposit gross, its withheld fee as a fee: the net is what was credited', () => {
    const deposit = fact({
      direction: 'in',
      feeMode: 'withheld',
      amount: 99_900_000n,
      fee: 100_000n,
      usdAmount: 9_990n,
      usdFee: 10n,
      category: 'TRANSFER_IN',
      subCategory: 'TRANSFER_IN_ACCOUNT_TRANSFER',
    });
    const deltas = contributionsOf(deposit);
    expect(deltas.map((d) => [d.direction, d.amount, d.usdAmount])).toEqual([
      ['in', 100_000_000n, 10_000n],
      ['out', 100_000n, 10n],
    ]);
    expect(netOf(deltas)).toBe(99_900_000n);
  });

  it('takes a swap’s fee out of what it sold: excluded principal, counted fee, net = what left', () => {
    const swap = fact({
      feeMode: 'inside',
      excluded: true,
      amount: 50_000_000n,
      fee: 15_000n,
      usdAmount: 5_000n,
      usdFee: 1n,
    });
    const deltas = contributionsOf(swap);
    expect(deltas.map((d) => [d.excluded, d.category, d.amount, d.usdAmount])).toEqual([
      [true, 'FOOD_AND_DRINK', 49_985_000n, 4_999n],
      [false, 'BANK_FEES', 15_000n, 1n],
    ]);
    expect(netOf(deltas)).toBe(-50_000_000n);
  });

  it('moves a recategorised movement between rows exactly: only the changed rows remain', () => {
    const before = fact({ fee: 100_000n, usdFee: 10n });
    const after = { ...before, category: 'RENT_AND_UTILITIES', subCategory: 'RENT_AND_UTILITIES_RENT' };
    const moved = mergeDeltas([...negated(contributionsOf(before)), ...contributionsOf(after)]);
    expect(moved.map((d) => [d.category, d.amount, d.count])).toEqual([
      ['FOOD_AND_DRINK', -10_000_000n, -1],
      ['RENT_AND_UTILITIES', 10_000_000n, 1],
    ]);
    expect(mergeDeltas([...contributionsOf(before), ...negated(contributionsOf(before))])).toEqual([]);
    const twice = mergeDeltas([...contributionsOf(before), ...contributionsOf(before)]);
    expect(twice.map((d) => [d.category, d.amount, d.count])).toEqual([
      ['FOOD_AND_DRINK', 20_000_000n, 2],
      ['BANK_FEES', 200_000n, 2],
    ]);
  });

  it('values in USD cents at a price, rounding toward zero', () => {
    expect(usdCents(15_500_000n, 'EURC', '1.05')).toBe(1_627n); // 16.275
    expect(usdCents(44_986_500n, 'EURC', '1.08')).toBe(4_858n); // 48.58542
    expect(usdCents(1n, 'USDC', '1')).toBe(0n);
    expect(usdCents(1_234n, 'USD', '1')).toBe(1_234n);
  });
});

describe('rollup maths: calendar views derived from days', () => {
  it('cuts weeks (from Monday) and months at the range', () => {
    expect(startOfWeek('2026-03-01')).toBe('2026-02-23'); // a Sunday
    expect(periodsOf('2026-03-01', '2026-03-10', 'week')).toEqual([
      { key: '2026-02-23', from: '2026-03-01', to: '2026-03-01' },
      { key: '2026-03-02', from: '2026-03-02', to: '2026-03-08' },
      { key: '2026-03-09', from: '2026-03-09', to: '2026-03-10' },
    ]);
    expect(periodsOf('2024-01-15', '2024-03-02', 'month')).toEqual([
      { key: '2024-01-01', from: '2024-01-15', to: '2024-01-31' },
      { key: '2024-02-01', from: '2024-02-01', to: '2024-02-29' },
      { key: '2024-03-01', from: '2024-03-01', to: '2024-03-02' },
    ]);
    expect(periodsOf('2026-12-30', '2027-01-02', 'day').map((p) => p.key)).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-01');
  });

  it('reads a range from whole months, then whole weeks, then days', () => {
    // Thursday January 15 to Friday April 10, 2026.
    expect(segmentsOf('2026-01-15', '2026-04-10', 'month')).toEqual([
      { source: 'day', from: '2026-01-15', to: '2026-01-18' },
      { source: 'week', from: '2026-01-19', to: '2026-01-19' }, // the week of Monday January 19
      { source: 'day', from: '2026-01-26', to: '2026-01-31' }, // that week ends in February: days
      { source: 'month', from: '2026-02-01', to: '2026-03-01' }, // February and March
      { source: 'day', from: '2026-04-01', to: '2026-04-05' },
      { source: 'day', from: '2026-04-06', to: '2026-04-10' },
    ]);
    expect(segmentsOf('2026-01-01', '2026-12-31', 'month')).toEqual([
      { source: 'month', from: '2026-01-01', to: '2026-12-01' },
    ]);
    expect(segmentsOf('2026-02-01', '2026-02-28', 'month')).toEqual([
      { source: 'month', from: '2026-02-01', to: '2026-02-01' },
    ]);
    // By weeks (a week is never cut into months here): Wednesday March 4 to Sunday March 29.
    expect(segmentsOf('2026-03-04', '2026-03-29', 'week')).toEqual([
      { source: 'day', from: '2026-03-04', to: '2026-03-08' },
      { source: 'week', from: '2026-03-09', to: '2026-03-23' },
    ]);
    expect(segmentsOf('2026-01-31', '2026-02-01', 'month')).toEqual([
      { source: 'day', from: '2026-01-31', to: '2026-01-31' },
      { source: 'day', from: '2026-02-01', to: '2026-02-01' },
    ]);
    expect(segmentsOf('2026-03-04', '2026-03-29', 'day')).toEqual([
      { source: 'day', from: '2026-03-04', to: '2026-03-29' },
    ]);
  });

  it('rolls the same changes up per week and per month', () => {
    const deltas = [
      ...contributionsOf(fact({ localDay: '2026-01-03', merchant: 'Amazon' })), // Saturday, week of Dec 29
      ...contributionsOf(fact({ localDay: '2026-01-30', merchant: 'Amazon' })),
      ...contributionsOf(fact({ localDay: '2026-01-30' })),
      ...contributionsOf(fact({ localDay: '2026-02-01' })), // Sunday, week of Jan 26
    ];
    expect(rollupOf(deltas, 'month').map((d) => [d.day, d.merchant, d.amount, d.count])).toEqual([
      ['2026-01-01', 'Amazon', 20_000_000n, 2],
      ['2026-01-01', '', 10_000_000n, 1],
      ['2026-02-01', '', 10_000_000n, 1],
    ]);
    expect(rollupOf(deltas, 'week').map((d) => [d.day, d.merchant, d.amount, d.count])).toEqual([
      ['2025-12-29', 'Amazon', 10_000_000n, 1],
      ['2026-01-26', 'Amazon', 10_000_000n, 1],
      ['2026-01-26', '', 20_000_000n, 2],
    ]);
  });

  it('compares whole months with as many calendar months before, other ranges with as many days', () => {
    expect(previousRanges('2026-03-01', '2026-03-31', 2)).toEqual([
      { from: '2026-02-01', to: '2026-02-28' },
      { from: '2026-01-01', to: '2026-01-31' },
    ]);
    expect(previousRanges('2026-01-01', '2026-03-31', 1)).toEqual([{ from: '2025-10-01', to: '2025-12-31' }]);
    expect(previousRanges('2026-03-10', '2026-03-16', 2)).toEqual([
      { from: '2026-03-03', to: '2026-03-09' },
      { from: '2026-02-24', to: '2026-03-02' },
    ]);
  });

  it('takes medians, rounded averages and shares in exact integers', () => {
    expect(median([])).toBe(0n);
    expect(median([5n, 1n, 3n])).toBe(3n);
    expect(median([4n, 1n, 3n, 10n])).toBe(4n); // (3 + 4) / 2 = 3.5 → 4
    expect(divideRounded(4_639n, 3n)).toBe(1_546n);
    expect(divideRounded(-5n, 2n)).toBe(-3n);
    expect(share(4_300n, 12_039n)).toBe('0.3572');
    expect(share(1n, 3n, 2)).toBe('0.33');
    expect(share(5n, 0n)).toBe('0.0000');
  });

  it('accepts calendar days only', () => {
    expect(['2026-02-28', '2024-02-29'].every(isCalendarDay)).toBe(true);
    expect(['2026-02-29', '2026-13-01', '2026-1-01', '20260101', '', null].some(isCalendarDay)).toBe(false);
    // Years JavaScript dates would misread (0001 → 1901) or push past four digits are refused.
    expect(['0001-01-01', '1969-12-31', '3000-01-01', '9999-12-31'].some(isCalendarDay)).toBe(false);
  });
});
