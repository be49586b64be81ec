import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bullmq';
import { Money } from '#monay/kernel';
import { JobName, JobPayloads, OnJob, OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import {
  RecurringTransferUpcoming,
  type RecurringTransferUpcomingPayload,
} from '../domain/events/recurring-transfer.events';
import {
  RunRecurringTransferCommand,
  type RecurringRunResult,
} from '../application/commands/run-recurring-transfer/run-recurring-transfer.command';
import { RecurringTransferScheduler } from '../application/recurring-transfer-scheduler';
import { RecurringTransferRepository } from './recurring-transfer.repository';

/** An occurrence this late, or claimed this long ago and unfinished, is taken for lost by the recovery. */
const STUCK_AFTER_MS = 60_000;

/**
 * Runs one occurrence of a recurring transfer per job (`recurring:<scheduleId>:<occurrenceEpochMs>`); see
 * RecurringTransferScheduler for why it is a chain of delayed jobs and RunRecurringTransferHandler for why
 * running one twice pays once.
 */
@Injectable()
export class RecurringTransferProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('RecurringTransfers');

  constructor(
    private readonly commands: CommandBus,
    private readonly schedules: RecurringTransferRepository,
    private readonly scheduler: RecurringTransferScheduler,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
  ) {}

  /**
   * Recovery, in the background at start-up: re-declares the job of every occurrence that should have run
   * and did not (a queue that lost its jobs, a job that failed every attempt, a crash between the claim
   * and the transfer). Declaring is idempotent, so every process may do it.
   */
  onApplicationBootstrap(): void {
    this.recover().catch((error: unknown) =>
      this.logger.warn(`Could not recover overdue recurring transfers: ${String(error)}`),
    );
  }

  @OnJob(JobName.RunRecurringTransfer)
  async run(
    { scheduleId }: JobPayloads[JobName.RunRecurringTransfer],
    job?: Job,
  ): Promise<RecurringRunResult> {
    const occurrenceAt = RecurringTransferScheduler.occurrenceOf(job?.id, scheduleId);
    const result = await this.commands.execute(new RunRecurringTransferCommand(scheduleId, occurrenceAt));
    if (result.outcome === 'completed' || result.outcome === 'failed') {
      this.logger.log(
        `Recurring transfer ${scheduleId} @ ${result.occurrenceAt}: ${result.outcome}` +
          (result.failureCode ? ` (${result.failureCode})` : ''),
      );
    }
    return result;
  }

  /** Attempt 2, 3 … of an occurrence refused for funds or limits (see RunRecurringTransferHandler). */
  @OnJob(JobName.RetryRecurringTransfer)
  async retry({
    scheduleId,
    occurrenceAt,
    attempt,
  }: JobPayloads[JobName.RetryRecurringTransfer]): Promise<RecurringRunResult> {
    const result = await this.commands.execute(
      new RunRecurringTransferCommand(scheduleId, new Date(occurrenceAt), attempt),
    );
    this.logger.log(
      `Recurring transfer ${scheduleId} @ ${occurrenceAt}, attempt ${attempt}: ${result.outcome}` +
        (result.failureCode ? ` (${result.failureCode})` : ''),
    );
    return result;
  }

  /**
   * The reminder before an occurrence: a RecurringTransferUpcoming event, only if the schedule is still active,
   * the occurrence is still its next one and has not started.
   */
  @OnJob(JobName.RemindRecurringTransfer)
  async remind({
    scheduleId,
    occurrenceAt,
  }: JobPayloads[JobName.RemindRecurringTransfer]): Promise<{ reminded: boolean }> {
    const occurrence = new Date(occurrenceAt);
    const reminded = await this.uow.run(async (tx) => {
      const schedule = await this.schedules.lock(tx, scheduleId);
      if (schedule?.status !== 'active' || schedule.nextRunAt?.getTime() !== occurrence.getTime())
        return false;
      if (await this.schedules.execution(tx, scheduleId, occurrence)) return false;
      const payload: RecurringTransferUpcomingPayload = {
        scheduleId,
        userId: schedule.userId,
        occurrenceAt: occurrence.toISOString(),
        currency: schedule.currency,
        amount: Money.of(schedule.amount, schedule.currency).toDecimalString(),
        recipient: schedule.recipientRef,
      };
      await this.outbox.append(tx, [
        { type: RecurringTransferUpcoming, aggregateId: scheduleId, userIds: [schedule.userId], payload },
      ]);
      return true;
    });
    if (reminded) this.relay.nudge();
    return { reminded };
  }

  async recover(limit = 1_000): Promise<number> {
    const stuck = await this.schedules.stuck(STUCK_AFTER_MS, limit);
    for (const { scheduleId, occurrenceAt } of stuck) await this.scheduler.ensure(scheduleId, occurrenceAt);
    // Retries whose job was lost: declared again (one job id per attempt, so never twice at once).
    const retries = await this.schedules.overdueRetries(STUCK_AFTER_MS, limit);
    for (const { scheduleId, occurrenceAt, attempt, retryAt } of retries) {
      await this.scheduler.retry(scheduleId, occurrenceAt, attempt, retryAt);
    }
    const total = stuck.length + retries.length;
    if (total > 0)
      this.logger.warn(`Re-declared ${total} overdue recurring transfer occurrences and retries`);
    return total;
  }
}
