import {
  canonicalTimeZone,
  nextOccurrence,
  parseScheduleInstant,
  type Frequency,
  type Recurrence,
} from './recurrence';
import { InvalidRecurringScheduleError } from './recurring-transfer.errors';

/**
 * active → paused ⇄ active; active | paused → cancelled (by the owner) or completed (no occurrence left).
 * Cancelled and completed are final; their executions stay as history.
 */
export type RecurringStatus = 'active' | 'paused' | 'cancelled' | 'completed';

/** A start may lie this far in the past (clock skew, a slow request): its first occurrence then runs at once. */
export const START_GRACE_MS = 60_000;
export const MAX_OCCURRENCES_LIMIT = 1000;

export function isClosed(status: RecurringStatus): boolean {
  return status === 'cancelled' || status === 'completed';
}

export interface ScheduleTermsInput {
  frequency: Frequency;
  /** From this request (a string: checked against the clock) or unchanged from the stored schedule. */
  startAt: string | Date;
  endAt: string | Date | null;
  maxOccurrences: number | null;
  timezone: string;
}

function instant(field: string, value: string | Date, timezone: string): Date {
  if (value instanceof Date) return value;
  const parsed = parseScheduleInstant(value, timezone);
  if (!parsed) {
    throw new InvalidRecurringScheduleError(
      field,
      'must be an ISO 8601 date-time such as "2026-01-31T09:00:00Z" (without an offset: wall-clock time in timezone)',
    );
  }
  return parsed;
}

/** Reads and checks a schedule's terms; throws InvalidRecurringScheduleError (400) naming the field. */
export function scheduleTerms(input: ScheduleTermsInput, now: Date): Recurrence {
  const timezone = canonicalTimeZone(input.timezone);
  if (!timezone) {
    throw new InvalidRecurringScheduleError('timezone', 'must be an IANA time zone such as "Europe/Paris"');
  }
  const startAt = instant('startAt', input.startAt, timezone);
  if (!(input.startAt instanceof Date) && startAt.getTime() < now.getTime() - START_GRACE_MS) {
    throw new InvalidRecurringScheduleError('startAt', 'must not be in the past');
  }
  const endAt = input.endAt === null ? null : instant('endAt', input.endAt, timezone);
  if (endAt && endAt.getTime() <= startAt.getTime()) {
    throw new InvalidRecurringScheduleError('endAt', 'must be after startAt');
  }
  const max = input.maxOccurrences;
  if (max !== null && (!Number.isInteger(max) || max < 1 || max > MAX_OCCURRENCES_LIMIT)) {
    throw new InvalidRecurringScheduleError(
      'maxOccurrences',
      `must be an integer from 1 to ${MAX_OCCURRENCES_LIMIT}`,
    );
  }
  return { frequency: input.frequency, startAt, timezone, endAt, maxOccurrences: max };
}

export interface SchedulePosition {
  /** Paused or active, as the owner wants it. */
  status: 'active' | 'paused';
  occurrencesRun: number;
  /** The last occurrence that ran: never again. */
  lastOccurrenceAt: Date | null;
  /** The earliest instant an occurrence may be at (usually now). */
  from: Date;
}

/**
 * Where a schedule stands after its terms or status changed: its next run, or "completed" when no
 * occurrence is left, or "paused" (no next run: occurrences while paused are skipped, not made up).
 */
export function plan(
  rule: Recurrence,
  position: SchedulePosition,
): { status: RecurringStatus; nextRunAt: Date | null } {
  const next = nextOccurrence(rule, {
    from: position.from,
    after: position.lastOccurrenceAt,
    occurrencesRun: position.occurrencesRun,
  });
  if (!next) return { status: 'completed', nextRunAt: null };
  return position.status === 'paused'
    ? { status: 'paused', nextRunAt: null }
    : { status: 'active', nextRunAt: next };
}

/**
 * After occurrence `ranAt` ran: the next one after both it and `now`. A worker that was down for days runs the
 * overdue occurrence once and goes on from now, rather than paying every missed occurrence at once.
 */
export function planAfterRun(
  rule: Recurrence,
  ranAt: Date,
  occurrencesRun: number,
  now: Date,
): { status: RecurringStatus; nextRunAt: Date | null } {
  return plan(rule, { status: 'active', occurrencesRun, lastOccurrenceAt: ranAt, from: now });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names no schedule: answered 404 like an unknown one, never a database error. */
export function isRecurringTransferId(id: string): boolean {
  return UUID.test(id);
}
