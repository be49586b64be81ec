import type { DomainEvent } from '#monay/shared';

export const NOTIFICATION_KINDS = [
  'recurring.reminder',
  'recurring.succeeded',
  'recurring.skipped',
  'recurring.paused',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a domain event tells its user, before it is stored. */
export interface NotificationDraft {
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
  /** One notification per (user, key): a duplicated event (a reminder job run twice) notifies once. */
  dedupeKey: string | null;
}

/** The event types that may notify someone. */
export const NOTIFYING_EVENT_TYPES = new Set([
  'RecurringTransferExecuted',
  'RecurringTransferSkipped',
  'RecurringTransferPaused',
  'RecurringTransferUpcoming',
] as const);

export type NotifyingEventName = typeof NOTIFYING_EVENT_TYPES extends Set<infer K> ? K : never;

const REFUSALS: Record<string, string> = {
  INSUFFICIENT_FUNDS: 'not enough funds',
  LIMIT_EXCEEDED: 'a spending limit was reached',
  VELOCITY_EXCEEDED: 'too many transfers in a short time',
};

/** Pure: the notification an event gives its user, or null when it gives none. Amounts stay decimal strings. */
export function notificationFor(event: DomainEvent<NotifyingEventName>): NotificationDraft | null {
  switch (event.type) {
    case 'RecurringTransferUpcoming': {
      const p = event.payload;
      return {
        userId: p.userId,
        kind: 'recurring.reminder',
        title: 'Upcoming recurring transfer',
        body: `${p.amount} ${p.currency} will be sent to ${p.recipient} at ${p.occurrenceAt}.`,
        data: pick(p, ['scheduleId', 'occurrenceAt', 'amount', 'currency', 'recipient']),
        dedupeKey: `recurring.reminder:${p.scheduleId}:${p.occurrenceAt}`,
      };
    }
    case 'RecurringTransferExecuted': {
      const p = event.payload;
      // A final refusal other than funds or limits (the recipient closed their account …) is not notified yet.
      if (p.status !== 'completed') return null;
      return {
        userId: p.userId,
        kind: 'recurring.succeeded',
        title: 'Recurring transfer sent',
        body: `${p.amount} ${p.currency} was sent to ${p.recipient}.`,
        data: pick(p, ['scheduleId', 'occurrenceAt', 'transferId', 'amount', 'currency', 'recipient']),
        dedupeKey: `recurring.succeeded:${p.scheduleId}:${p.occurrenceAt}`,
      };
    }
    case 'RecurringTransferSkipped': {
      const p = event.payload;
      const why = REFUSALS[p.failureCode] ?? 'the transfer was refused';
      return {
        userId: p.userId,
        kind: 'recurring.skipped',
        title: 'Recurring transfer skipped',
        body:
          `${p.amount} ${p.currency} to ${p.recipient} was not sent: ${why} ` +
          `(${p.attempts} ${p.attempts === 1 ? 'attempt' : 'attempts'}).`,
        data: pick(p, [
          'scheduleId',
          'occurrenceAt',
          'failureCode',
          'attempts',
          'amount',
          'currency',
          'recipient',
        ]),
        dedupeKey: `recurring.skipped:${p.scheduleId}:${p.occurrenceAt}`,
      };
    }
    case 'RecurringTransferPaused': {
      const p = event.payload;
      return {
        userId: p.userId,
        kind: 'recurring.paused',
        title: 'Recurring transfer paused',
        body:
          `Your recurring transfer of ${p.amount} ${p.currency} to ${p.recipient} was paused after ` +
          `${p.skippedInARow} skipped transfers in a row. Resume it once your wallet can cover it.`,
        data: pick(p, ['scheduleId', 'skippedInARow', 'amount', 'currency', 'recipient']),
        // A schedule may be paused again after a resume: each pause event notifies (processed_events dedupes).
        dedupeKey: null,
      };
    }
  }
}

function pick<P extends Record<string, unknown>>(
  payload: P,
  keys: Array<keyof P & string>,
): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, payload[key] ?? null]));
}
