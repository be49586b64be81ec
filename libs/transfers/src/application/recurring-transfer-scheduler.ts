import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig, JobBackend, JobName, JobQueue, QueueName } from '#monay/shared';

const JOB_ID = /^recurring:([0-9a-f-]{36}):(\d{1,15})$/;

/**
 * Each occurrence of a schedule is one delayed BullMQ job with the deterministic id
 * `recurring:<scheduleId>:<occurrenceEpochMs>`; running an occurrence declares the job of the next one.
 *
 * Why a chain of delayed jobs rather than BullMQ job schedulers (`upsertJobScheduler`): the rules are ours and
 * cron cannot say them — "monthly on the 31st, else the last day of the month" has no cron pattern, "every
 * 14 days from startAt at 09:00 Paris time" is neither a cron pattern nor a fixed `every` (a DST change makes
 * one interval 23 or 25 hours) — and a scheduler's job does not carry the occurrence it stands for, which the
 * idempotency key needs. With a chain, the occurrence is in the job id (so a retried or duplicated job pays
 * the same occurrence, and the idempotency store replays it), BullMQ drops a second job with the same id
 * (two processes declaring the same occurrence make one job), and pausing, editing or cancelling is just
 * a new `next_run_at` in the database: a job whose occurrence is no longer the schedule's next one does nothing.
 *
 * Beside it, in the same spirit: a reminder job `reminder:<scheduleId>:<occurrenceEpochMs>` due the reminder
 * lead time before the occurrence, and, when an attempt is refused for funds or limits, a retry job
 * `recurring-retry:<scheduleId>:<occurrenceEpochMs>-attempt-<n>`.
 */
@Injectable()
export class RecurringTransferScheduler {
  private readonly reminderLeadMs: number;

  constructor(
    private readonly jobs: JobQueue,
    private readonly backend: JobBackend,
    config: AppConfig,
  ) {
    this.reminderLeadMs = config.recurring.reminderLeadMs;
  }

  static jobIdOf(scheduleId: string, occurrenceAt: Date): string {
    return `recurring:${scheduleId}:${occurrenceAt.getTime()}`;
  }

  static reminderJobIdOf(scheduleId: string, occurrenceAt: Date): string {
    return `reminder:${scheduleId}:${occurrenceAt.getTime()}`;
  }

  static retryJobIdOf(scheduleId: string, occurrenceAt: Date, attempt: number): string {
    // BullMQ refuses a custom id with other than three ':'-separated parts.
    return `recurring-retry:${scheduleId}:${occurrenceAt.getTime()}-attempt-${attempt}`;
  }

  /** The occurrence a job stands for, from its id; null for a job enqueued without one (a re-driven dead letter). */
  static occurrenceOf(jobId: string | undefined, scheduleId: string): Date | null {
    const match = jobId ? JOB_ID.exec(jobId) : null;
    if (!match || match[1] !== scheduleId) return null;
    return new Date(Number(match[2]));
  }

  /**
   * Makes sure the job of this occurrence exists, due at the occurrence (at once if it is overdue).
   * Idempotent. A job with this id that already finished (it found the schedule paused, or failed every
   * attempt) is replaced, so the occurrence can run now that it is due again.
   */
  async ensure(scheduleId: string, occurrenceAt: Date): Promise<void> {
    await this.remind(scheduleId, occurrenceAt);
    const jobId = RecurringTransferScheduler.jobIdOf(scheduleId, occurrenceAt);
    const existing = (await this.backend.queue(QueueName.RecurringTransfers).getJob(jobId)) as
      Job | undefined;
    if (existing) {
      const state = await existing.getState();
      if (state !== 'completed' && state !== 'failed') return;
      await existing.remove();
    }
    await this.jobs.enqueue(
      JobName.RunRecurringTransfer,
      { scheduleId },
      { jobId, delay: Math.max(0, occurrenceAt.getTime() - Date.now()) },
    );
  }

  /**
   * {@link ensure} for request handlers, which must not hang while the queue is unreachable (BullMQ keeps its
   * Redis commands queued until Redis is back): waits at most `waitMs`. A declaration still under way then
   * completes when the queue is reachable again (or the processor's start-up recovery declares the overdue
   * occurrence). Never throws: `onError` hears why a declaration failed.
   */
  async ensureSoon(
    scheduleId: string,
    occurrenceAt: Date,
    onError: (error: unknown) => void,
    waitMs = 2_000,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ensure(scheduleId, occurrenceAt).catch(onError),
      new Promise((resolve) => (timer = setTimeout(resolve, waitMs))),
    ]);
    clearTimeout(timer);
  }

  /**
   * Declares the reminder of an occurrence, due the lead time before it; none when that moment has passed
   * (a schedule created or resumed less than the lead time ahead). A reminder job that exists in any state is
   * kept: a reminder is sent at most once per occurrence (the notification's dedupe key catches the rest).
   */
  private async remind(scheduleId: string, occurrenceAt: Date): Promise<void> {
    if (this.reminderLeadMs <= 0) return;
    const delay = occurrenceAt.getTime() - this.reminderLeadMs - Date.now();
    if (delay < 0) return;
    await this.jobs.enqueue(
      JobName.RemindRecurringTransfer,
      { scheduleId, occurrenceAt: occurrenceAt.toISOString() },
      { jobId: RecurringTransferScheduler.reminderJobIdOf(scheduleId, occurrenceAt), delay },
    );
  }

  /** Declares attempt `attempt` of an occurrence, due at `at`. Idempotent (one job per attempt). */
  async retry(scheduleId: string, occurrenceAt: Date, attempt: number, at: Date): Promise<void> {
    await this.jobs.enqueue(
      JobName.RetryRecurringTransfer,
      { scheduleId, occurrenceAt: occurrenceAt.toISOString(), attempt },
      {
        jobId: RecurringTransferScheduler.retryJobIdOf(scheduleId, occurrenceAt, attempt),
        delay: Math.max(0, at.getTime() - Date.now()),
      },
    );
  }
}
