import { Money, type CurrencyCode } from '#monay/kernel';
import type { FeeMode } from '../history';
import type { Direction } from './classifier';
import { FEE_CATEGORY } from './classifier';

/**
 * The arithmetic of the analytics rollups, pure: what one movement adds to the daily rollup, how changes are
 * merged, and the calendar maths of the views derived from the dailies (weeks, months, comparison periods,
 * medians, shares). Amounts are bigint minor units; USD is in cents.
 */

/** A movement as the rollups see it (a row of analytics_movements). */
export interface RollupFact {
  userId: string;
  /** The user's local day, "2026-01-31". */
  localDay: string;
  direction: Direction;
  excluded: boolean;
  status: string;
  currency: string;
  amount: bigint;
  fee: bigint;
  feeMode: FeeMode;
  usdAmount: bigint;
  usdFee: bigint;
  category: string;
  subCategory: string;
  merchant: string | null;
  counterparty: string | null;
}

/** One row of the daily rollup, or a change to one. `merchant` and `counterparty` are '' when there is none. */
export interface RollupDelta {
  userId: string;
  day: string;
  direction: Direction;
  excluded: boolean;
  category: string;
  subCategory: string;
  merchant: string;
  counterparty: string;
  currency: string;
  amount: bigint;
  usdAmount: bigint;
  count: number;
}

/**
 * What a movement adds to its user's daily rollup: nothing until it is completed; then its principal under its
 * category and, when it paid a fee, the fee under BANK_FEES as money out. The principal is what moved besides
 * the fee: a deposit's fee was withheld from what was sent (the principal is amount + fee, so the wallet's net
 * change, principal − fee, is what it was credited); a swap's fee was inside what it sold (amount − fee). So the
 * signed sum of a movement's contributions is exactly its change to the wallet's balance.
 */
export function contributionsOf(fact: RollupFact): RollupDelta[] {
  if (fact.status !== 'completed') return [];
  const base = { userId: fact.userId, day: fact.localDay, currency: fact.currency };
  let amount = fact.amount;
  let usdAmount = fact.usdAmount;
  if (fact.feeMode === 'withheld') {
    amount += fact.fee;
    usdAmount += fact.usdFee;
  } else if (fact.feeMode === 'inside') {
    amount -= fact.fee;
    usdAmount -= fact.usdFee;
  }
  const principal: RollupDelta = {
    ...base,
    direction: fact.direction,
    excluded: fact.excluded,
    category: fact.category,
    subCategory: fact.subCategory,
    merchant: fact.merchant ?? '',
    counterparty: fact.counterparty ?? '',
    amount,
    usdAmount,
    count: 1,
  };
  if (fact.fee === 0n) return [principal];
  const fee: RollupDelta = {
    ...base,
    direction: 'out',
    excluded: false,
    category: FEE_CATEGORY.category,
    subCategory: FEE_CATEGORY.subCategory,
    merchant: '',
    counterparty: '',
    amount: fact.fee,
    usdAmount: fact.usdFee,
    count: 1,
  };
  return [principal, fee];
}

/** The signed change of a movement's contributions to its wallet's balance (in minor units of its currency). */
export function netOf(deltas: readonly RollupDelta[]): bigint {
  return deltas.reduce((sum, d) => sum + (d.direction === 'in' ? d.amount : -d.amount), 0n);
}

export function rollupKey(delta: RollupDelta): string {
  return [
    delta.userId,
    delta.day,
    delta.direction,
    delta.excluded ? '1' : '0',
    delta.category,
    delta.subCategory,
    delta.merchant,
    delta.counterparty,
    delta.currency,
  ].join('\u0000');
}

export function negated(deltas: readonly RollupDelta[]): RollupDelta[] {
  return deltas.map((d) => ({ ...d, amount: -d.amount, usdAmount: -d.usdAmount, count: -d.count }));
}

/**
 * Changes summed per rollup row (one upsert may touch a row once), those that cancel out dropped: what a
 * recategorisation leaves is only the rows that really change.
 */
export function mergeDeltas(deltas: Iterable<RollupDelta>): RollupDelta[] {
  const merged = new Map<string, RollupDelta>();
  for (const delta of deltas) {
    const key = rollupKey(delta);
    const existing = merged.get(key);
    if (existing) {
      existing.amount += delta.amount;
      existing.usdAmount += delta.usdAmount;
      existing.count += delta.count;
    } else {
      merged.set(key, { ...delta });
    }
  }
  return [...merged.values()].filter((d) => d.count !== 0 || d.amount !== 0n || d.usdAmount !== 0n);
}

/** The USD value, in cents, of `minor` units of `currency` at `price` (USD per unit), rounded toward zero. */
export function usdCents(minor: bigint, currency: string, price: string): bigint {
  return Money.of(minor, currency as CurrencyCode).convert(price, 'USD', 'down').result.minor;
}

/**
 * The same changes as the rollup of `granularity` sees them: per week (its Monday names it) or per month (its
 * 1st), merged.
 */
export function rollupOf(deltas: readonly RollupDelta[], granularity: Granularity): RollupDelta[] {
  return mergeDeltas(deltas.map((d) => ({ ...d, day: periodStart(d.day, granularity) })));
}

// ---- Calendar maths on local days ("YYYY-MM-DD") ----------------------------------------------------------

export type Granularity = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtc(day: string): Date {
  const match = ISO_DAY.exec(day);
  if (!match) throw new Error(`not a day: ${day}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The days analytics speaks of: wide enough for any wallet's history, narrow enough for plain date arithmetic. */
export const FIRST_DAY = '1970-01-01';
export const LAST_DAY = '2999-12-31';

/** Whether `value` is a real calendar day written YYYY-MM-DD (2026-02-30 is not), from 1970 to 2999. */
export function isCalendarDay(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DAY.test(value) || value < FIRST_DAY || value > LAST_DAY)
    return false;
  const date = toUtc(value);
  return !Number.isNaN(date.getTime()) && fromUtc(date) === value;
}

export function addDays(day: string, days: number): string {
  return fromUtc(new Date(toUtc(day).getTime() + days * DAY_MS));
}

/** Days from `from` to `to` (0 for the same day; negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / DAY_MS);
}

/** The Monday of `day`'s ISO week. */
export function startOfWeek(day: string): string {
  const weekday = (toUtc(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -weekday);
}

export function startOfMonth(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/** The first day of the month `months` months after `day`'s month (negative: before). */
export function addMonths(day: string, months: number): string {
  const date = toUtc(startOfMonth(day));
  date.setUTCMonth(date.getUTCMonth() + months);
  return fromUtc(date);
}

export function endOfMonth(day: string): string {
  return addDays(addMonths(day, 1), -1);
}

/** The start of the period of `granularity` that holds `day`. */
export function periodStart(day: string, granularity: Granularity): string {
  if (granularity === 'day') return day;
  return granularity === 'week' ? startOfWeek(day) : startOfMonth(day);
}

export interface Period {
  /** The period's own start (a Monday for weeks, the 1st for months), which names it. */
  key: string;
  /** The part of the period inside the asked range. */
  from: string;
  to: string;
}

/** Every period of `granularity` that meets [from, to], in order, clipped to the range. */
export function periodsOf(from: string, to: string, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  let key = periodStart(from, granularity);
  while (key <= to) {
    const next =
      granularity === 'day' ? addDays(key, 1) : granularity === 'week' ? addDays(key, 7) : addMonths(key, 1);
    const end = addDays(next, -1);
    periods.push({ key, from: key < from ? from : key, to: end > to ? to : end });
    key = next;
  }
  return periods;
}

/** A part of a range answered by one rollup: days, or whole weeks or months (named by their first days). */
export interface Segment {
  source: Granularity;
  from: string;
  to: string;
}

function nextPeriod(start: string, unit: 'week' | 'month'): string {
  return unit === 'week' ? addDays(start, 7) : addMonths(start, 1);
}

/**
 * [from, to] cut into the fewest rollup rows: its whole months from the monthly rollup (when `coarsest` is a
 * month), the whole weeks of what is left from the weekly one (when it is a week or a month), and the remaining
 * days from the daily one. A week is only taken whole inside one month's remainder, so it never straddles two
 * months.
 */
export function segmentsOf(from: string, to: string, coarsest: Granularity): Segment[] {
  if (coarsest === 'day') return [{ source: 'day', from, to }];
  const unit = coarsest;
  const finer: Granularity = unit === 'month' ? 'week' : 'day';
  const end = (start: string) => addDays(nextPeriod(start, unit), -1);
  const fromStart = periodStart(from, unit);
  const toStart = periodStart(to, unit);
  const wholeTail = to === end(toStart);
  if (fromStart === toStart) {
    return from === fromStart && wholeTail
      ? [{ source: unit, from: fromStart, to: fromStart }]
      : segmentsOf(from, to, finer);
  }
  const segments: Segment[] = [];
  let firstWhole = fromStart;
  if (from !== fromStart) {
    segments.push(...segmentsOf(from, end(fromStart), finer));
    firstWhole = nextPeriod(fromStart, unit);
  }
  const lastWhole = wholeTail ? toStart : periodStart(addDays(toStart, -1), unit);
  if (firstWhole <= lastWhole) segments.push({ source: unit, from: firstWhole, to: lastWhole });
  if (!wholeTail) segments.push(...segmentsOf(toStart, to, finer));
  return segments;
}

/** Whether [from, to] is made of whole calendar months. */
export function isWholeMonths(from: string, to: string): boolean {
  return from === startOfMonth(from) && to === endOfMonth(to);
}

/**
 * The `count` ranges of the same length right before [from, to], latest first: the same number of calendar months
 * when the range is whole months (January is compared with December, November, October whatever their lengths),
 * otherwise the same number of days.
 */
export function previousRanges(from: string, to: string, count: number): Array<{ from: string; to: string }> {
  const ranges: Array<{ from: string; to: string }> = [];
  if (isWholeMonths(from, to)) {
    const months =
      (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 +
      Number(to.slice(5, 7)) -
      Number(from.slice(5, 7)) +
      1;
    for (let i = 1; i <= count; i += 1) {
      const start = addMonths(from, -months * i);
      ranges.push({ from: start, to: endOfMonth(addMonths(start, months - 1)) });
    }
    return ranges;
  }
  const length = daysBetween(from, to) + 1;
  for (let i = 1; i <= count; i += 1) {
    ranges.push({ from: addDays(from, -length * i), to: addDays(to, -length * i) });
  }
  return ranges;
}

/** `numerator / denominator` rounded half away from zero (denominator > 0). */
export function divideRounded(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new Error('divideRounded: denominator must be positive');
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

/** The median of `values` (the mean of the middle two, rounded, for an even count); 0 for none. */
export function median(values: readonly bigint[]): bigint {
  if (values.length === 0) return 0n;
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle];
  return divideRounded(sorted[middle - 1] + sorted[middle], 2n);
}

/** `part / whole` as a decimal string with `digits` decimals ("0.2500"), rounded half up; "0" of a zero whole. */
export function share(part: bigint, whole: bigint, digits = 4): string {
  const scale = 10n ** BigInt(digits);
  const units = whole === 0n ? 0n : divideRounded(part * scale, whole);
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const text = `${magnitude / scale}.${(magnitude % scale).toString().padStart(digits, '0')}`;
  return negative ? `-${text}` : text;
}

/** Cents as a USD decimal string ("12.50"). */
export function usd(cents: bigint): string {
  return Money.of(cents, 'USD').toDecimalString();
}
