import { Money } from '#monay/kernel';
import type {
  RecurringExecutionRecord,
  RecurringTransferRecord,
} from '../infrastructure/recurring-transfer.repository';

export interface RecurringTransferView {
  id: string;
  status: string;
  to: string;
  amount: string;
  currency: string;
  frequency: string;
  startAt: string;
  endAt: string | null;
  maxOccurrences: number | null;
  timezone: string;
  nextRunAt: string | null;
  occurrencesRun: number;
  note: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RecurringExecutionView {
  occurrenceAt: string;
  status: string;
  transferId: string | null;
  failureCode: string | null;
  /** How many attempts were made (refusals for funds or limits are retried). */
  attempts: number;
  finishedAt: string | null;
}

export function toRecurringTransferView(s: RecurringTransferRecord): RecurringTransferView {
  return {
    id: s.id,
    status: s.status,
    to: s.recipientRef,
    amount: Money.of(s.amount, s.currency).toDecimalString(),
    currency: s.currency,
    frequency: s.frequency,
    startAt: s.startAt.toISOString(),
    endAt: s.endAt?.toISOString() ?? null,
    maxOccurrences: s.maxOccurrences,
    timezone: s.timezone,
    nextRunAt: s.nextRunAt?.toISOString() ?? null,
    occurrencesRun: s.occurrencesRun,
    note: s.note,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

export function toRecurringExecutionView(e: RecurringExecutionRecord): RecurringExecutionView {
  return {
    occurrenceAt: e.occurrenceAt.toISOString(),
    status: e.status,
    transferId: e.transferId,
    failureCode: e.failureCode,
    attempts: e.attempt,
    finishedAt: e.finishedAt?.toISOString() ?? null,
  };
}
