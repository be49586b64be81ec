import { Command } from '@nestjs/cqrs';

export interface RecurringRunResult {
  /**
   * completed / failed / occurrence-skipped (every attempt refused for funds or limits): this run recorded
   * the occurrence's outcome; retry-scheduled: this attempt was refused and the next one is planned;
   * already-ran / skipped: it did nothing.
   */
  outcome: 'completed' | 'failed' | 'occurrence-skipped' | 'retry-scheduled' | 'already-ran' | 'skipped';
  scheduleId: string;
  occurrenceAt: string | null;
  transferId?: string | null;
  failureCode?: string | null;
  /** The attempt this run made (1 for the occurrence's own job). */
  attempt?: number;
  /** When the next attempt is due (outcome retry-scheduled). */
  retryAt?: string;
  reason?: string;
}

/**
 * Runs one occurrence of a schedule. `occurrenceAt` comes from the job's id; null (a job enqueued without
 * one) runs whatever is due: an occurrence claimed but never finished, else the schedule's overdue next run.
 * `attempt` (2, 3 …) is set by a retry job: it runs that attempt of `occurrenceAt` only.
 */
export class RunRecurringTransferCommand extends Command<RecurringRunResult> {
  constructor(
    readonly scheduleId: string,
    readonly occurrenceAt: Date | null,
    readonly attempt: number | null = null,
  ) {
    super();
  }
}
