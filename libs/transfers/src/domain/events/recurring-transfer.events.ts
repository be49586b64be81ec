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
}
