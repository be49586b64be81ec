import { Command } from '@nestjs/cqrs';

export interface RecurringRunResult {
  /** completed / failed: this run recorded the occurrence's outcome; already-ran / skipped: it did nothing. */
  outcome: 'completed' | 'failed' | 'already-ran' | 'skipped';
  scheduleId: string;
  occurrenceAt: string | null;
  transferId?: string | null;
  failureCode?: string | null;
  reason?: string;
}

/**
 * Runs one occurrence of a schedule. `occurrenceAt` comes from the job's id; null (a job enqueued without
 * one) runs whatever is due: an occurrence claimed but never finished, else the schedule's overdue next run.
 */
export class RunRecurringTransferCommand extends Command<RecurringRunResult> {
  constructor(
    readonly scheduleId: string,
    readonly occurrenceAt: Date | null,
  ) {
    super();
  }
}
