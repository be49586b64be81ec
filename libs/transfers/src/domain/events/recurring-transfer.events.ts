/**
 * One occurrence of a recurring transfer ran: it paid (`completed`, with the transfer) or was refused
 * (`failed`, with the machine code; the schedule goes on). Emitted once per occurrence.
 */
export const RecurringTransferExecuted = 'RecurringTransferExecuted';

export interface RecurringTransferExecutedPayload extends Record<string, unknown> {
  scheduleId: string;
  userId: string;
  occurrenceAt: string;
  status: 'completed' | 'failed';
  transferId: string | null;
  failureCode: string | null;
  currency: string;
  amount: string;
  /** The recipient as the payer named them (email, address or user id). */
  recipient: string;
}

/**
 * Every attempt at an occurrence was refused for funds or limits (INSUFFICIENT_FUNDS, LIMIT_EXCEEDED,
 * VELOCITY_EXCEEDED): the occurrence is skipped, nothing moved. Emitted once per occurrence.
 */
export const RecurringTransferSkipped = 'RecurringTransferSkipped';

export interface RecurringTransferSkippedPayload extends Record<string, unknown> {
  scheduleId: string;
  userId: string;
  occurrenceAt: string;
  /** The refusal of the last attempt. */
  failureCode: string;
  attempts: number;
  currency: string;
  amount: string;
  recipient: string;
}

/** The schedule was paused by the system after `skippedInARow` occurrences in a row were skipped. */
export const RecurringTransferPaused = 'RecurringTransferPaused';

export interface RecurringTransferPausedPayload extends Record<string, unknown> {
  scheduleId: string;
  userId: string;
  skippedInARow: number;
  currency: string;
  amount: string;
  recipient: string;
}

/** An occurrence is coming (its reminder lead time before it) and is still planned. */
export const RecurringTransferUpcoming = 'RecurringTransferUpcoming';

export interface RecurringTransferUpcomingPayload extends Record<string, unknown> {
  scheduleId: string;
  userId: string;
  occurrenceAt: string;
  currency: string;
  amount: string;
  recipient: string;
}
