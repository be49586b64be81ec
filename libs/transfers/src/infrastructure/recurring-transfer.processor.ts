import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Job } from 'bullmq';
import { JobName, JobPayloads, OnJob } from '#monay/shared';
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

  async recover(limit = 1_000): Promise<number> {
    const stuck = await this.schedules.stuck(STUCK_AFTER_MS, limit);
    for (const { scheduleId, occurrenceAt } of stuck) await this.scheduler.ensure(scheduleId, occurrenceAt);
    if (stuck.length > 0)
      this.logger.warn(`Re-declared ${stuck.length} overdue recurring transfer occurrences`);
    return stuck.length;
  }
}
