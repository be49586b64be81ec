import { maskRecipient } from '#monay/transfers';
import { Injectable } from '@nestjs/common';
import { Users } from '#monay/identity';
import { localDate, Money, type CurrencyCode } from '#monay/kernel';
import { InsightsRepository } from '../insights.repository';
import { AnalyticsRepository, type RollupDimension, type RollupSum } from './analytics.repository';
import { InvalidDateRangeError } from './analytics.errors';
import { MERCHANTS } from './merchant-directory';
import { detectRecurring } from './recurring';
import { ReferencePriceBook } from './reference-prices';
import {
  addDays,
  addMonths,
  daysBetween,
  divideRounded,
  endOfMonth,
  median,
  periodsOf,
  previousRanges,
  share,
  startOfMonth,
  usd,
  type Granularity,
} from './rollup';
import { labelOf } from './taxonomy';

export type GroupBy = 'category' | 'merchant' | 'counterparty' | 'currency';

/** How long a range each view may cover, in days. */
export const MAX_RANGE_DAYS: Record<Granularity | 'categories' | 'export', number> = {
  day: 366,
  week: 3 * 366,
  month: 10 * 366,
  categories: 10 * 366,
  export: 10 * 366,
};

/** The previous periods a spending range is compared with. */
export const COMPARISON_PERIODS = 3;
/** Categories reported as having moved most against the median, and merchants behind each. */
const MOVERS = 3;
const DRIVERS = 3;
const TOP = 5;
const BALANCE_DAYS = 30;
/** Merchants or counterparties listed per period and in the totals; the rest are summed as OTHERS. */
const PERIOD_GROUPS = 10;
const TOTAL_GROUPS = 50;
export const OTHERS = '(others)';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DIMENSION_OF: Record<GroupBy, RollupDimension> = {
  category: 'category',
  merchant: 'merchant',
  counterparty: 'counterparty',
  currency: 'currency',
};

export interface GroupLabel {
  key: string | null;
  label: string;
  logoUrl?: string | null;
}

function fraction(part: bigint, whole: bigint): string | null {
  return whole === 0n ? null : share(part, whole);
}

/**
 * The analytics views, answered from the daily rollup (analytics_daily) only: sums over a user's local days,
 * grouped in SQL, shaped here. Every amount is a decimal string (USD unless it names a currency).
 */
@Injectable()
export class AnalyticsQueries {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly insights: InsightsRepository,
    private readonly prices: ReferencePriceBook,
    private readonly users: Users,
  ) {}

  /** The user's time zone and today's date in it. */
  async today(userId: string): Promise<{ timezone: string; today: string }> {
    const timezone = await this.repository.timeZoneOf(userId);
    return { timezone, today: localDate(new Date(), timezone) };
  }

  /** A range as asked, or this month so far; refused when inverted or longer than `maxDays`. */
  resolveRange(
    from: string | undefined,
    to: string | undefined,
    today: string,
    maxDays: number,
  ): { from: string; to: string } {
    const end = to ?? (from && from > today ? from : today);
    const start = from ?? startOfMonth(end);
    if (start > end) {
      throw new InvalidDateRangeError('from must not be after to', { from: start, to: end });
    }
    const days = daysBetween(start, end) + 1;
    if (days > maxDays) {
      throw new InvalidDateRangeError(`The range covers ${days} days; at most ${maxDays} here`, {
        from: start,
        to: end,
        maxDays,
      });
    }
    return { from: start, to: end };
  }

  async spending(
    userId: string,
    query: { from?: string; to?: string; granularity: Granularity; groupBy: GroupBy },
  ) {
    const { timezone, today } = await this.today(userId);
    const { from, to } = this.resolveRange(query.from, query.to, today, MAX_RANGE_DAYS[query.granularity]);
    const dimension = DIMENSION_OF[query.groupBy];
    const by: RollupDimension[] = dimension === 'currency' ? ['currency'] : [dimension, 'currency'];
    const ranges = previousRanges(from, to, COMPARISON_PERIODS);
    const [current, previous] = await Promise.all([
      this.repository.sums(userId, {
        buckets: { granularity: query.granularity, from, to },
        direction: 'out',
        by,
      }),
      this.repository.sums(userId, { buckets: { ranges }, direction: 'out', by: [dimension] }),
    ]);
    const keyOf = (sum: RollupSum) => sum.dims[dimension] ?? '';
    const labels = await this.labels(query.groupBy, [...current, ...previous].map(keyOf));

    const groupTotals = new Map<string, { usd: bigint; count: number; native: bigint }>();
    const currencyTotals = new Map<string, { amount: bigint; usd: bigint; count: number }>();
    const byPeriod = new Map<string, RollupSum[]>();
    let total = 0n;
    let count = 0;
    for (const sum of current) {
      total += sum.usd;
      count += sum.count;
      const group = groupTotals.get(keyOf(sum)) ?? { usd: 0n, count: 0, native: 0n };
      group.usd += sum.usd;
      group.count += sum.count;
      group.native += sum.amount;
      groupTotals.set(keyOf(sum), group);
      const currency = sum.dims.currency ?? '';
      const byCurrency = currencyTotals.get(currency) ?? { amount: 0n, usd: 0n, count: 0 };
      byCurrency.amount += sum.amount;
      byCurrency.usd += sum.usd;
      byCurrency.count += sum.count;
      currencyTotals.set(currency, byCurrency);
      const inPeriod = byPeriod.get(sum.bucket);
      if (inPeriod) inPeriod.push(sum);
      else byPeriod.set(sum.bucket, [sum]);
    }

    // Merchants and counterparties are many: a period lists its largest ones and sums the rest as "Others".
    const capped = query.groupBy === 'merchant' || query.groupBy === 'counterparty';
    const cap = <T extends { usd: bigint; count: number; native: bigint }>(
      entries: Array<[string, T]>,
      max: number,
    ) => {
      if (!capped || entries.length <= max) return entries;
      const rest = entries.slice(max).reduce(
        (acc, [, g]) => ({
          usd: acc.usd + g.usd,
          count: acc.count + g.count,
          native: acc.native + g.native,
        }),
        { usd: 0n, count: 0, native: 0n },
      );
      return [...entries.slice(0, max), [OTHERS, rest] as [string, typeof rest]];
    };
    const groupView = (key: string, amount: bigint, groupCount: number, native?: bigint) => ({
      ...(key === OTHERS ? { key: OTHERS, label: 'Others' } : labels(key)),
      amount: usd(amount),
      count: groupCount,
      ...(query.groupBy === 'currency' &&
        native !== undefined && {
          currencyAmount: Money.of(native, key as CurrencyCode).toDecimalString(),
        }),
    });
    const merge = (sums: RollupSum[]) => {
      const merged = new Map<string, { usd: bigint; count: number; native: bigint }>();
      for (const sum of sums) {
        const entry = merged.get(keyOf(sum)) ?? { usd: 0n, count: 0, native: 0n };
        entry.usd += sum.usd;
        entry.count += sum.count;
        entry.native += sum.amount;
        merged.set(keyOf(sum), entry);
      }
      return [...merged.entries()].sort(([, a], [, b]) => (a.usd === b.usd ? 0 : a.usd > b.usd ? -1 : 1));
    };

    const series = periodsOf(from, to, query.granularity).map((period) => {
      const sums = byPeriod.get(period.key) ?? [];
      const periodTotal = sums.reduce((acc, s) => acc + s.usd, 0n);
      return {
        period: period.key,
        from: period.from,
        to: period.to,
        total: usd(periodTotal),
        count: sums.reduce((acc, s) => acc + s.count, 0),
        groups: cap(merge(sums), PERIOD_GROUPS).map(([key, g]) => groupView(key, g.usd, g.count, g.native)),
      };
    });

    const previousTotals = ranges.map((_, index) =>
      previous.filter((s) => s.bucket === String(index)).reduce((acc, s) => acc + s.usd, 0n),
    );
    const previousByGroup = new Map<string, bigint>();
    for (const sum of previous)
      previousByGroup.set(keyOf(sum), (previousByGroup.get(keyOf(sum)) ?? 0n) + sum.usd);
    const periods = BigInt(ranges.length);
    return {
      success: true,
      timezone,
      from,
      to,
      granularity: query.granularity,
      groupBy: query.groupBy,
      currency: 'USD',
      series,
      totals: {
        total: usd(total),
        count,
        groups: cap(
          [...groupTotals.entries()].sort(([, a], [, b]) => (a.usd === b.usd ? 0 : a.usd > b.usd ? -1 : 1)),
          TOTAL_GROUPS,
        ).map(([key, g]) => ({
          ...groupView(key, g.usd, g.count, g.native),
          share: fraction(g.usd, total),
        })),
        byCurrency: [...currencyTotals.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([currency, c]) => ({
            currency,
            amount: Money.of(c.amount, currency as CurrencyCode).toDecimalString(),
            usdAmount: usd(c.usd),
            count: c.count,
          })),
      },
      comparison: {
        periods: ranges.length,
        ranges: ranges.map((range, index) => ({ ...range, total: usd(previousTotals[index]) })),
        average: usd(
          divideRounded(
            previousTotals.reduce((a, b) => a + b, 0n),
            periods,
          ),
        ),
        change: usd(
          total -
            divideRounded(
              previousTotals.reduce((a, b) => a + b, 0n),
              periods,
            ),
        ),
        groups: cap(
          [...previousByGroup.entries()]
            .sort(([, a], [, b]) => (a === b ? 0 : a > b ? -1 : 1))
            .map(
              ([key, sum]) =>
                [key, { usd: sum, count: 0, native: 0n }] as [
                  string,
                  { usd: bigint; count: number; native: bigint },
                ],
            ),
          TOTAL_GROUPS,
        ).map(([key, g]) => ({
          ...(key === OTHERS ? { key: OTHERS, label: 'Others' } : labels(key)),
          average: usd(divideRounded(g.usd, periods)),
        })),
      },
    };
  }

  async categories(userId: string, query: { from?: string; to?: string }) {
    const { timezone, today } = await this.today(userId);
    const { from, to } = this.resolveRange(query.from, query.to, today, MAX_RANGE_DAYS.categories);
    const sums = await this.repository.sums(userId, {
      buckets: { ranges: [{ from, to }] },
      direction: 'out',
      by: ['category', 'sub_category'],
    });
    const total = sums.reduce((acc, s) => acc + s.usd, 0n);
    const byCategory = new Map<string, RollupSum[]>();
    for (const sum of sums) {
      const category = sum.dims.category ?? '';
      const subs = byCategory.get(category);
      if (subs) subs.push(sum);
      else byCategory.set(category, [sum]);
    }
    const descending = (a: { usd: bigint }, b: { usd: bigint }) =>
      a.usd === b.usd ? 0 : a.usd > b.usd ? -1 : 1;
    const categories = [...byCategory.entries()]
      .map(([category, subs]) => ({
        category,
        usd: subs.reduce((acc, s) => acc + s.usd, 0n),
        count: subs.reduce((acc, s) => acc + s.count, 0),
        subs: subs.map((s) => ({ subCategory: s.dims.sub_category ?? '', usd: s.usd, count: s.count })),
      }))
      .sort(descending);
    return {
      success: true,
      timezone,
      from,
      to,
      currency: 'USD',
      total: usd(total),
      count: sums.reduce((acc, s) => acc + s.count, 0),
      categories: categories.map((c) => ({
        category: c.category,
        label: labelOf(c.category),
        amount: usd(c.usd),
        count: c.count,
        share: fraction(c.usd, total),
        subCategories: [...c.subs].sort(descending).map((s) => ({
          subCategory: s.subCategory,
          label: labelOf(s.subCategory),
          amount: usd(s.usd),
          count: s.count,
          share: fraction(s.usd, total),
          shareOfCategory: fraction(s.usd, c.usd),
        })),
      })),
    };
  }

  async trends(userId: string, months: number) {
    const { timezone, today } = await this.today(userId);
    const first = addMonths(today, -(months - 1));
    const monthStarts = Array.from({ length: months }, (_, i) => addMonths(first, i));
    const window = { granularity: 'month' as const, from: first, to: today };
    const sums = await this.repository.sums(userId, { buckets: window, by: ['direction', 'category'] });
    const flows = monthStarts.map((month) => {
      const inMonth = sums.filter((s) => s.bucket === month);
      const income = inMonth.filter((s) => s.dims.direction === 'in').reduce((acc, s) => acc + s.usd, 0n);
      const spending = inMonth.filter((s) => s.dims.direction === 'out').reduce((acc, s) => acc + s.usd, 0n);
      return { month, income, spending };
    });

    // What moved: the latest month's spending per category against its median over the months before it.
    const current = monthStarts[monthStarts.length - 1];
    const baseline = monthStarts.slice(0, -1);
    const spendingOf = (month: string, match: (s: RollupSum) => boolean) =>
      sums
        .filter((s) => s.bucket === month && s.dims.direction === 'out' && match(s))
        .reduce((acc, s) => acc + s.usd, 0n);
    const categories = [
      ...new Set(sums.filter((s) => s.dims.direction === 'out').map((s) => s.dims.category ?? '')),
    ];
    const moved =
      baseline.length === 0
        ? []
        : categories
            .map((category) => {
              const isCategory = (s: RollupSum) => s.dims.category === category;
              const now = spendingOf(current, isCategory);
              const typical = median(baseline.map((month) => spendingOf(month, isCategory)));
              return { category, now, typical, change: now - typical };
            })
            .filter((c) => c.change !== 0n)
            .sort((a, b) => {
              const x = a.change < 0n ? -a.change : a.change;
              const y = b.change < 0n ? -b.change : b.change;
              return x === y ? a.category.localeCompare(b.category) : x > y ? -1 : 1;
            })
            .slice(0, MOVERS);
    const driverSums = moved.length
      ? await this.repository.sums(userId, {
          buckets: window,
          direction: 'out',
          categories: moved.map((m) => m.category),
          by: ['category', 'merchant', 'counterparty'],
        })
      : [];
    const payeeOf = (s: RollupSum) =>
      s.dims.merchant
        ? `merchant:${s.dims.merchant}`
        : s.dims.counterparty
          ? `counterparty:${s.dims.counterparty}`
          : 'other:';
    const counterpartyLabels = await this.labels(
      'counterparty',
      driverSums.map((s) => (s.dims.merchant ? '' : (s.dims.counterparty ?? ''))),
    );
    const merchantLabels = await this.labels(
      'merchant',
      driverSums.map((s) => s.dims.merchant ?? ''),
    );
    const movers = moved.map((m) => {
      const inCategory = driverSums.filter((s) => s.dims.category === m.category);
      const payees = [...new Set(inCategory.map(payeeOf))];
      const drivers = payees
        .map((payee) => {
          const of = (month: string) =>
            inCategory
              .filter((s) => s.bucket === month && payeeOf(s) === payee)
              .reduce((acc, s) => acc + s.usd, 0n);
          const now = of(current);
          const typical = median(baseline.map(of));
          return { payee, now, typical, change: now - typical };
        })
        .filter((d) => (m.change > 0n ? d.change > 0n : d.change < 0n))
        .sort((a, b) => {
          const x = a.change < 0n ? -a.change : a.change;
          const y = b.change < 0n ? -b.change : b.change;
          return x === y ? a.payee.localeCompare(b.payee) : x > y ? -1 : 1;
        })
        .slice(0, DRIVERS)
        .map((d) => {
          const [kind, key] = [
            d.payee.slice(0, d.payee.indexOf(':')),
            d.payee.slice(d.payee.indexOf(':') + 1),
          ];
          const label =
            kind === 'merchant'
              ? merchantLabels(key)
              : kind === 'counterparty'
                ? counterpartyLabels(key)
                : { key: null, label: 'Others' };
          return {
            kind,
            ...label,
            current: usd(d.now),
            median: usd(d.typical),
            change: usd(d.change),
          };
        });
      return {
        category: m.category,
        label: labelOf(m.category),
        direction: m.change > 0n ? 'up' : 'down',
        current: usd(m.now),
        median: usd(m.typical),
        change: usd(m.change),
        changeShare: fraction(m.change, m.typical),
        drivers,
      };
    });
    return {
      success: true,
      timezone,
      currency: 'USD',
      months: flows.map((f) => ({
        month: f.month.slice(0, 7),
        from: f.month,
        to: f.month === current ? today : endOfMonth(f.month),
        income: usd(f.income),
        spending: usd(f.spending),
        net: usd(f.income - f.spending),
      })),
      comparedMonth: current.slice(0, 7),
      baselineMonths: baseline.map((month) => month.slice(0, 7)),
      movers,
    };
  }

  async summary(userId: string) {
    const { timezone, today } = await this.today(userId);
    const thisMonth = { from: startOfMonth(today), to: today };
    const lastMonthStart = addMonths(today, -1);
    const lastMonth = { from: lastMonthStart, to: endOfMonth(lastMonthStart) };
    const sameDay = addDays(lastMonthStart, Number(today.slice(8, 10)) - 1);
    const lastMonthToDate = { from: lastMonthStart, to: sameDay > lastMonth.to ? lastMonth.to : sameDay };
    const trendFrom = addDays(today, -(BALANCE_DAYS - 1));
    const [flows, top, flowsByDay, portfolio, repeated, prices] = await Promise.all([
      this.repository.sums(userId, {
        buckets: { ranges: [thisMonth, lastMonth, lastMonthToDate] },
        by: ['direction'],
      }),
      this.repository.sums(userId, {
        buckets: { ranges: [thisMonth] },
        direction: 'out',
        by: ['category', 'merchant'],
      }),
      this.repository.sums(userId, {
        buckets: { granularity: 'day', from: addDays(trendFrom, 1), to: addDays(today, 366) },
        excluded: null,
        by: ['direction', 'currency'],
      }),
      this.insights.portfolio(userId),
      this.repository.repeatedPayments(userId, new Date(Date.now() - 400 * 86_400_000)),
      this.prices.list(null, trendFrom, today),
    ]);

    const flowOf = (index: number) => {
      const inRange = flows.filter((s) => s.bucket === String(index));
      const income = inRange.filter((s) => s.dims.direction === 'in').reduce((acc, s) => acc + s.usd, 0n);
      const spending = inRange.filter((s) => s.dims.direction === 'out').reduce((acc, s) => acc + s.usd, 0n);
      const count = inRange.reduce((acc, s) => acc + s.count, 0);
      return { income, spending, count };
    };
    const period = (range: { from: string; to: string }, index: number) => {
      const f = flowOf(index);
      return {
        ...range,
        spending: usd(f.spending),
        income: usd(f.income),
        net: usd(f.income - f.spending),
        count: f.count,
      };
    };
    const spendingNow = flowOf(0).spending;
    const spendingBefore = flowOf(2).spending;

    const totalTop = top.reduce((acc, s) => acc + s.usd, 0n);
    const sumBy = (key: (s: RollupSum) => string) => {
      const totals = new Map<string, { usd: bigint; count: number }>();
      for (const s of top) {
        const k = key(s);
        if (!k) continue;
        const t = totals.get(k) ?? { usd: 0n, count: 0 };
        t.usd += s.usd;
        t.count += s.count;
        totals.set(k, t);
      }
      return [...totals.entries()]
        .sort(([, a], [, b]) => (a.usd === b.usd ? 0 : a.usd > b.usd ? -1 : 1))
        .slice(0, TOP);
    };
    const merchantLabels = await this.labels(
      'merchant',
      top.map((s) => s.dims.merchant ?? ''),
    );

    const now = new Date();
    const recurring = repeated
      .map((history) => detectRecurring(history, now))
      .filter((r) => r !== null)
      .sort((a, b) => a.nextExpectedAt.getTime() - b.nextExpectedAt.getTime());
    const recurringCounterparties = await this.labels(
      'counterparty',
      recurring.filter((r) => r.payeeKind === 'counterparty').map((r) => r.payee),
    );

    return {
      success: true,
      timezone,
      today,
      currency: 'USD',
      thisMonth: period(thisMonth, 0),
      lastMonth: period(lastMonth, 1),
      lastMonthToDate: period(lastMonthToDate, 2),
      spendingChange: {
        amount: usd(spendingNow - spendingBefore),
        share: fraction(spendingNow - spendingBefore, spendingBefore),
      },
      topCategories: sumBy((s) => s.dims.category ?? '').map(([category, t]) => ({
        category,
        label: labelOf(category),
        amount: usd(t.usd),
        count: t.count,
        share: fraction(t.usd, totalTop),
      })),
      topMerchants: sumBy((s) => s.dims.merchant ?? '').map(([merchant, t]) => ({
        merchant,
        logoUrl: merchantLabels(merchant).logoUrl ?? null,
        amount: usd(t.usd),
        count: t.count,
      })),
      recurring: recurring.map((r) => ({
        kind: r.payeeKind,
        ...(r.payeeKind === 'merchant'
          ? { key: r.payee, label: r.payee, logoUrl: MERCHANTS.find(r.payee)?.logoUrl ?? null }
          : recurringCounterparties(r.payee)),
        amount: Money.of(r.amount, r.currency as CurrencyCode).toDecimalString(),
        currency: r.currency,
        cadence: r.cadence,
        intervalDays: r.intervalDays,
        occurrences: r.occurrences,
        lastAt: r.lastAt.toISOString(),
        nextExpectedAt: r.nextExpectedAt.toISOString(),
      })),
      balanceTrend: this.balanceTrend(today, trendFrom, portfolio, flowsByDay, prices),
    };
  }

  /**
   * End-of-day USD balance of the last days: today's balances (the portfolio read model) walked back through
   * each later day's net flows (own-asset swaps included: they change what is held), each currency valued at
   * its day's reference price (the configured price for a day without one).
   */
  private balanceTrend(
    today: string,
    from: string,
    portfolio: Array<{ currency: string; total: bigint }>,
    flowsByDay: RollupSum[],
    prices: Array<{ currency: string; day: string; price: string }>,
  ) {
    const balances = new Map(portfolio.map((p) => [p.currency, p.total]));
    const netOn = new Map<string, Map<string, bigint>>();
    for (const s of flowsByDay) {
      const currency = s.dims.currency ?? '';
      const day = netOn.get(s.bucket) ?? new Map<string, bigint>();
      day.set(currency, (day.get(currency) ?? 0n) + (s.dims.direction === 'in' ? s.amount : -s.amount));
      netOn.set(s.bucket, day);
      if (!balances.has(currency)) balances.set(currency, 0n);
    }
    const priceOn = new Map(prices.map((p) => [`${p.currency}:${p.day}`, p.price]));
    // Flows dated after today (none, unless a clock is off) are taken back first.
    for (const [day, nets] of netOn) {
      if (day <= today) continue;
      for (const [currency, net] of nets) balances.set(currency, (balances.get(currency) ?? 0n) - net);
    }
    const trend: Array<{ day: string; totalUSD: string }> = [];
    for (let day = today; day >= from; day = addDays(day, -1)) {
      let cents = 0n;
      for (const [currency, minor] of balances) {
        const price = priceOn.get(`${currency}:${day}`) ?? this.prices.configuredPrice(currency);
        cents += Money.of(minor, currency as CurrencyCode).convert(price, 'USD', 'down').result.minor;
      }
      trend.push({ day, totalUSD: usd(cents) });
      for (const [currency, net] of netOn.get(day) ?? [])
        balances.set(currency, (balances.get(currency) ?? 0n) - net);
    }
    return trend.reverse();
  }

  /** How groups of a kind are named: categories by the taxonomy, merchants by the directory, users by name. */
  async labels(groupBy: GroupBy, keys: string[]): Promise<(key: string) => GroupLabel> {
    if (groupBy === 'category')
      return (key) => ({ key: key || null, label: key ? labelOf(key) : 'Uncategorised' });
    if (groupBy === 'currency') return (key) => ({ key: key || null, label: key });
    if (groupBy === 'merchant') {
      return (key) => ({
        key: key || null,
        label: key || 'No merchant',
        logoUrl: key ? (MERCHANTS.find(key)?.logoUrl ?? null) : null,
      });
    }
    const ids = [...new Set(keys.filter((key) => UUID.test(key)))];
    const users = ids.length ? await this.users.find({ ids }) : [];
    // Counterparties are named as a sender would see them: masked, never by their email or id.
    const names = new Map(users.map((user) => [user.id, maskRecipient(user.email)]));
    return (key) => ({ key: key || null, label: key ? (names.get(key) ?? key) : 'No counterparty' });
  }
}
