/**
 * When a recurring transfer runs: pure rules, no I/O (the time zone database is the runtime's `Intl`).
 *
 * Every occurrence is derived from `startAt` (the anchor), never from the previous occurrence, so rounding
 * never accumulates: occurrence n of a monthly schedule is "n months after the anchor's month, on the anchor's
 * day clamped to that month's last day", so Jan 31 → Feb 28 (29) → Mar 31 → Apr 30. Times are wall-clock
 * times in the schedule's IANA time zone: 09:00 Europe/Paris stays 09:00 across daylight-saving changes. A
 * wall time that does not exist on a spring-forward day is moved forward by the gap (02:30 → 03:30), an
 * ambiguous one on a fall-back day takes the earlier instant, as Temporal's "compatible" disambiguation does.
 */

export const FREQUENCIES = ['daily', 'weekly', 'biweekly', 'monthly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface Recurrence {
  frequency: Frequency;
  /** The first occurrence; its wall-clock time and day of month in `timezone` are kept. */
  startAt: Date;
  /** IANA name, e.g. "Europe/Paris" or "UTC". */
  timezone: string;
  /** No occurrence after this instant (an occurrence exactly at `endAt` still runs). */
  endAt: Date | null;
  /** At most this many occurrences run in all. */
  maxOccurrences: number | null;
}

const DAY_MS = 86_400_000;
const DAYS_BETWEEN: Record<Exclude<Frequency, 'monthly'>, number> = { daily: 1, weekly: 7, biweekly: 14 };

interface WallTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(timezone, format);
  }
  return format;
}

/** The IANA time zone as the client named it, or null (one definition, in the kernel). */
export { canonicalTimeZone } from '#monay/kernel';

/** What a wall clock in `timezone` shows at `instant`. */
export function wallTimeAt(instant: Date, timezone: string): WallTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timezone).formatToParts(instant)) parts[part.type] = part.value;
  const year = Number(parts.year);
  return {
    year: parts.era === 'BC' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    millisecond: instant.getUTCMilliseconds(),
  };
}

function wallAsUtcMs(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, wall.millisecond);
  return date.getTime();
}

/** The zone's offset from UTC at `utcMs`, in milliseconds (+02:00 → 7,200,000). */
function offsetAt(utcMs: number, timezone: string): number {
  return wallAsUtcMs(wallTimeAt(new Date(utcMs), timezone)) - utcMs;
}

/**
 * The instant at which a wall clock in `timezone` shows `wall`. Zones change offset at most once in any two
 * days, so the offsets a day either side are the only candidates: one fits (the usual case), both fit
 * (fall-back overlap: take the earlier instant) or neither (spring-forward gap: use the offset from before
 * the change, which moves the time forward by the gap).
 */
export function instantOf(wall: WallTime, timezone: string): Date {
  const local = wallAsUtcMs(wall);
  const before = offsetAt(local - DAY_MS, timezone);
  const after = offsetAt(local + DAY_MS, timezone);
  const fitting = [...new Set([before, after])]
    .map((offset) => local - offset)
    .filter((utc) => offsetAt(utc, timezone) === local - utc)
    .sort((a, b) => a - b);
  return new Date(fitting.length > 0 ? fitting[0] : local - before);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Occurrence `index` (0 = `startAt`) of the rule, ignoring `endAt` and `maxOccurrences`. */
export function occurrence(rule: Recurrence, index: number): Date {
  if (index === 0) return new Date(rule.startAt.getTime());
  const anchor = wallTimeAt(rule.startAt, rule.timezone);
  if (rule.frequency === 'monthly') {
    const months = anchor.month - 1 + index;
    const year = anchor.year + Math.floor(months / 12);
    const month = (months % 12) + 1;
    const day = Math.min(anchor.day, daysInMonth(year, month));
    return instantOf({ ...anchor, year, month, day }, rule.timezone);
  }
  const date = new Date(0);
  date.setUTCFullYear(anchor.year, anchor.month - 1, anchor.day);
  date.setUTCDate(date.getUTCDate() + index * DAYS_BETWEEN[rule.frequency]);
  const wall = {
    ...anchor,
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
  };
  return instantOf(wall, rule.timezone);
}

/** A first guess of the index of the occurrence at `instant`, never above the real one. */
function indexBelow(rule: Recurrence, instant: number): number {
  const elapsed = instant - rule.startAt.getTime();
  if (elapsed <= 0) return 0;
  // Offsets move an occurrence by less than a day either way: step back one period to stay below.
  if (rule.frequency === 'monthly') return Math.max(0, Math.floor(elapsed / (31 * DAY_MS)) - 1);
  return Math.max(0, Math.floor(elapsed / (DAYS_BETWEEN[rule.frequency] * DAY_MS)) - 1);
}

export interface NextOccurrenceQuery {
  /** The occurrence may be at this instant or later. */
  from: Date;
  /** The occurrence must be strictly later than this one (the last occurrence that ran). */
  after?: Date | null;
  /** How many occurrences have run so far, against `maxOccurrences`. */
  occurrencesRun?: number;
}

/**
 * The first occurrence at or after `from` (and strictly after `after`), or null when the schedule is over:
 * `maxOccurrences` have run, or the next one would fall after `endAt`.
 */
export function nextOccurrence(rule: Recurrence, query: NextOccurrenceQuery): Date | null {
  if (rule.maxOccurrences !== null && (query.occurrencesRun ?? 0) >= rule.maxOccurrences) return null;
  const bound = Math.max(query.from.getTime(), query.after ? query.after.getTime() + 1 : -Infinity);
  let index = indexBelow(rule, bound);
  let candidate = occurrence(rule, index);
  while (candidate.getTime() < bound) {
    index += 1;
    candidate = occurrence(rule, index);
  }
  if (rule.endAt !== null && candidate.getTime() > rule.endAt.getTime()) return null;
  return candidate;
}

/** The next occurrence strictly after `instant`, or null when the schedule is over then. */
export function occurrenceAfter(rule: Recurrence, instant: Date, occurrencesRun = 0): Date | null {
  return nextOccurrence(rule, { from: new Date(instant.getTime() + 1), occurrencesRun });
}

const ISO_LOCAL =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO 8601 date-time from a request. With an offset ("…Z", "…+02:00") it is that instant; without one
 * ("2026-01-31T09:00", or a date alone for midnight) it is a wall-clock time in `timezone`. Null when it is
 * not a real date and time.
 */
export function parseScheduleInstant(text: string, timezone: string): Date | null {
  const match = ISO_LOCAL.exec(text);
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone] = match;
  const wall: WallTime = {
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
  };
  if (wall.month < 1 || wall.month > 12 || wall.day < 1 || wall.day > daysInMonth(wall.year, wall.month)) {
    return null;
  }
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) return null;
  if (!zone) return instantOf(wall, timezone);
  if (zone === 'Z') return new Date(wallAsUtcMs(wall));
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMinutes = Number(digits.slice(2));
  if (offsetHours > 23 || offsetMinutes > 59) return null;
  return new Date(wallAsUtcMs(wall) - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}
