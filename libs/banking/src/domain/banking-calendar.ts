/**
 * The banking calendar (issue 15, "A banking clock"): business days in New York (weekends and US federal holidays
 * as the Federal Reserve observes them), the cut-offs of each rail, and when a transfer submitted at an instant
 * settles. Pure: every rule takes the application clock's `now` as an argument.
 *
 * Rules (Eastern Time):
 * - a business day is Monday to Friday and not a Federal Reserve holiday (a holiday on a Sunday is observed on the
 *   Monday; one on a Saturday is not moved: the Fed is open the Friday before);
 * - standard ACH: submitted on a business day before 16:00 it enters that day's file and settles on the next
 *   business day at 09:00; later, or on a closed day, it enters the next business day's file;
 * - same-day ACH: the windows close at 10:30, 14:45 and 16:45 and settle at 13:00, 17:00 and 18:00; after the
 *   last window it is the first window of the next business day;
 * - wires: before the 17:00 wire cut-off on a business day they settle within the hour (no later than 18:00); after
 *   it, at 10:00 on the next business day;
 * - a pending ACH may be cancelled until the cut-off of the day it is submitted on (Dwolla: 4 pm CT = 17:00 ET;
 *   we close at the standard file's 16:00);
 * - micro-deposits arrive on the next business day at 09:00 after the day they are sent on;
 * - a late return (R10 and friends) comes back within 60 days; the sandbox returns `-late` transfers two business
 *   days after settlement.
 */
export const BANKING_TIME_ZONE = 'America/New_York';

export type AchSpeed = 'standard' | 'same_day';
export type Rail = 'ach' | 'wire';

interface LocalTime {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
}

/** A local date (no time) in the banking time zone. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

const STANDARD_CUTOFF = { hour: 16, minute: 0 };
const STANDARD_SETTLES = { hour: 9, minute: 0 };
const SAME_DAY_WINDOWS = [
  { closes: { hour: 10, minute: 30 }, settles: { hour: 13, minute: 0 } },
  { closes: { hour: 14, minute: 45 }, settles: { hour: 17, minute: 0 } },
  { closes: { hour: 16, minute: 45 }, settles: { hour: 18, minute: 0 } },
];
const WIRE_CUTOFF = { hour: 17, minute: 0 };
const WIRE_LATEST = { hour: 18, minute: 0 };
const WIRE_NEXT_DAY = { hour: 10, minute: 0 };
const MICRO_DEPOSITS_ARRIVE = { hour: 9, minute: 0 };
export const LATE_RETURN_BUSINESS_DAYS = 2;
/** How long a settled ACH can still be returned (R10: 60 days). */
export const RETURN_WINDOW_DAYS = 60;

const formatter = new Intl.DateTimeFormat('en-US', {
  timeZone: BANKING_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
});

function localOf(at: Date): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
  };
}

/** The instant of a local wall-clock time in New York (DST-aware). */
export function atLocal(date: LocalDate, time: { hour: number; minute: number }): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  let instant = guess;
  // Two rounds settle the offset across a DST change.
  for (let i = 0; i < 2; i += 1) {
    const local = localOf(new Date(instant));
    const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
    instant += guess - asUtc;
  }
  return new Date(instant);
}

function minutes(time: { hour: number; minute: number }): number {
  return time.hour * 60 + time.minute;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function weekday(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** The n-th (1-based) weekday `dow` of a month; n = -1: the last. */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return 1 + ((dow - first + 7) % 7) + (n - 1) * 7;
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
  return lastDay - ((last - dow + 7) % 7);
}

/** The Federal Reserve holidays of a year, as observed (a Sunday holiday moves to Monday), `MM-DD` keys. */
export function federalHolidays(year: number): Map<string, string> {
  const fixed: Array<[number, number, string]> = [
    [1, 1, "New Year's Day"],
    [6, 19, 'Juneteenth National Independence Day'],
    [7, 4, 'Independence Day'],
    [11, 11, 'Veterans Day'],
    [12, 25, 'Christmas Day'],
  ];
  const holidays = new Map<string, string>();
  const key = (month: number, day: number) =>
    `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  for (const [month, day, name] of fixed) {
    const date = { year, month, day };
    const observed = weekday(date) === 0 ? addDays(date, 1) : date;
    if (observed.year === year) holidays.set(key(observed.month, observed.day), name);
  }
  holidays.set(key(1, nthWeekday(year, 1, 1, 3)), 'Birthday of Martin Luther King, Jr.');
  holidays.set(key(2, nthWeekday(year, 2, 1, 3)), "Washington's Birthday");
  holidays.set(key(5, nthWeekday(year, 5, 1, -1)), 'Memorial Day');
  holidays.set(key(9, nthWeekday(year, 9, 1, 1)), 'Labor Day');
  holidays.set(key(10, nthWeekday(year, 10, 1, 2)), 'Columbus Day');
  holidays.set(key(11, nthWeekday(year, 11, 4, 4)), 'Thanksgiving Day');
  return holidays;
}

export class BankingCalendar {
  private readonly holidayCache = new Map<number, Map<string, string>>();

  /** The local (New York) date of an instant. */
  dateOf(at: Date): LocalDate {
    const { year, month, day } = localOf(at);
    return { year, month, day };
  }

  holidayOn(date: LocalDate): string | null {
    let holidays = this.holidayCache.get(date.year);
    if (!holidays) {
      holidays = federalHolidays(date.year);
      this.holidayCache.set(date.year, holidays);
    }
    return (
      holidays.get(`${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`) ?? null
    );
  }

  isBusinessDay(date: LocalDate): boolean {
    const dow = weekday(date);
    return dow !== 0 && dow !== 6 && this.holidayOn(date) === null;
  }

  /** The first business day strictly after `date`. */
  nextBusinessDay(date: LocalDate): LocalDate {
    let next = addDays(date, 1);
    while (!this.isBusinessDay(next)) next = addDays(next, 1);
    return next;
  }

  /** `date` itself when it is a business day, else the next one. */
  businessDayOnOrAfter(date: LocalDate): LocalDate {
    return this.isBusinessDay(date) ? date : this.nextBusinessDay(date);
  }

  addBusinessDays(date: LocalDate, days: number): LocalDate {
    let result = date;
    for (let i = 0; i < days; i += 1) result = this.nextBusinessDay(result);
    return result;
  }

  /** The business day whose file a transfer submitted at `at` enters, given that day's cut-off. */
  private submissionDay(at: Date, cutoff: { hour: number; minute: number }): LocalDate {
    const local = localOf(at);
    const today = { year: local.year, month: local.month, day: local.day };
    if (this.isBusinessDay(today) && minutes(local) < minutes(cutoff)) return today;
    return this.nextBusinessDay(today);
  }

  /** When an ACH submitted at `at` settles. */
  achSettlement(at: Date, speed: AchSpeed): Date {
    if (speed === 'standard') {
      const day = this.submissionDay(at, STANDARD_CUTOFF);
      return atLocal(this.nextBusinessDay(day), STANDARD_SETTLES);
    }
    const local = localOf(at);
    const today = { year: local.year, month: local.month, day: local.day };
    if (this.isBusinessDay(today)) {
      const window = SAME_DAY_WINDOWS.find((w) => minutes(local) < minutes(w.closes));
      if (window) return atLocal(today, window.settles);
    }
    return atLocal(this.nextBusinessDay(today), SAME_DAY_WINDOWS[0].settles);
  }

  /** Until when a pending ACH submitted at `at` may still be cancelled: its submission day's cut-off. */
  achCancelDeadline(at: Date): Date {
    return atLocal(this.submissionDay(at, STANDARD_CUTOFF), STANDARD_CUTOFF);
  }

  /** When a wire sent at `at` settles: within the hour before the cut-off, else next business day 10:00. */
  wireSettlement(at: Date): Date {
    const local = localOf(at);
    const today = { year: local.year, month: local.month, day: local.day };
    if (this.isBusinessDay(today) && minutes(local) < minutes(WIRE_CUTOFF)) {
      const inAnHour = new Date(at.getTime() + 3_600_000);
      const latest = atLocal(today, WIRE_LATEST);
      return inAnHour < latest ? inAnHour : latest;
    }
    return atLocal(this.nextBusinessDay(today), WIRE_NEXT_DAY);
  }

  /** When micro-deposits sent at `at` arrive. */
  microDepositsArrival(at: Date): Date {
    return atLocal(this.nextBusinessDay(this.submissionDay(at, STANDARD_CUTOFF)), MICRO_DEPOSITS_ARRIVE);
  }

  /** When the sandbox returns a `-late` transfer that settled at `settledAt`. */
  lateReturn(settledAt: Date): Date {
    return atLocal(this.addBusinessDays(this.dateOf(settledAt), LATE_RETURN_BUSINESS_DAYS), {
      hour: 11,
      minute: 0,
    });
  }

  /** The bill payment run a payment made at `at` goes out in: its submission day's cut-off. */
  billRun(at: Date): Date {
    return atLocal(this.submissionDay(at, STANDARD_CUTOFF), STANDARD_CUTOFF);
  }

  /** When a bill payment of the run at `run` is sent (the file transmitted, the check mailed): 09:00 the next business day. */
  billSent(run: Date): Date {
    return atLocal(this.nextBusinessDay(this.dateOf(run)), STANDARD_SETTLES);
  }

  /** When a bill delivered on `date` is posted to the biller: 17:00 that day. */
  billPosted(date: LocalDate): Date {
    return atLocal(date, { hour: 17, minute: 0 });
  }

  /**
   * The earliest day a bill paid at `at` can be delivered: the payment enters the next business day's run when
   * after the cut-off, then takes `leadBusinessDays` business days.
   */
  deliveryDate(at: Date, leadBusinessDays: number): LocalDate {
    return this.addBusinessDays(this.submissionDay(at, STANDARD_CUTOFF), leadBusinessDays);
  }
}

export function formatLocalDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
