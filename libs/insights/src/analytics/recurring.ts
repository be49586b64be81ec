/**
 * Recurring payments (subscriptions, rent, a monthly transfer to a friend) found in what a user paid: the same
 * amount to the same payee (a merchant, or another user or address) at a regular interval. Pure.
 */

export type Cadence = 'weekly' | 'biweekly' | 'monthly' | 'quarterly' | 'yearly';

/** Payments of one amount to one payee, with their latest times (analytics_payees). */
export interface PayeeHistory {
  payeeKind: 'merchant' | 'counterparty';
  payee: string;
  currency: string;
  amount: bigint;
  occurrences: number;
  /** The latest payment times, any order. */
  recent: Date[];
}

export interface RecurringPayment {
  payeeKind: 'merchant' | 'counterparty';
  payee: string;
  currency: string;
  amount: bigint;
  cadence: Cadence;
  /** The typical number of days between two payments. */
  intervalDays: number;
  occurrences: number;
  lastAt: Date;
  nextExpectedAt: Date;
}

const DAY_MS = 86_400_000;

/** Each cadence: its typical interval in days and how far an interval may stray from it. */
const CADENCES: ReadonlyArray<{ cadence: Cadence; days: number; tolerance: number }> = [
  { cadence: 'weekly', days: 7, tolerance: 1 },
  { cadence: 'biweekly', days: 14, tolerance: 2 },
  { cadence: 'monthly', days: 30, tolerance: 4 },
  { cadence: 'quarterly', days: 91, tolerance: 7 },
  { cadence: 'yearly', days: 365, tolerance: 10 },
];

/** At least this many payments make a pattern. */
export const MIN_OCCURRENCES = 3;

/**
 * The recurring payment `history` shows, or null: at least three payments whose every interval (up to the latest
 * six) is within a cadence's tolerance, the latest of them recent enough that the next is not long overdue (at
 * most one and a half intervals ago, `now` being the time of the question).
 */
export function detectRecurring(history: PayeeHistory, now: Date): RecurringPayment | null {
  const times = [...history.recent].map((t) => t.getTime()).sort((a, b) => a - b);
  if (times.length < MIN_OCCURRENCES) return null;
  const latest = times.slice(-7);
  const intervals = latest.slice(1).map((t, i) => (t - latest[i]) / DAY_MS);
  const sorted = [...intervals].sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 2)];
  const cadence = CADENCES.find(
    (c) =>
      Math.abs(typical - c.days) <= c.tolerance &&
      intervals.every((interval) => Math.abs(interval - c.days) <= c.tolerance),
  );
  if (!cadence) return null;
  const lastAt = latest[latest.length - 1];
  if (now.getTime() - lastAt > (cadence.days * 1.5 + cadence.tolerance) * DAY_MS) return null;
  const intervalDays = Math.round(typical);
  return {
    payeeKind: history.payeeKind,
    payee: history.payee,
    currency: history.currency,
    amount: history.amount,
    cadence: cadence.cadence,
    intervalDays,
    occurrences: history.occurrences,
    lastAt: new Date(lastAt),
    nextExpectedAt: new Date(lastAt + intervalDays * DAY_MS),
  };
}
