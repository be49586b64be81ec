import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { DomainError, Money } from '#monay/kernel';
import { OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import {
  RecurringTransferExecuted,
  type RecurringTransferExecutedPayload,
} from '../../../domain/events/recurring-transfer.events';
import type { Recurrence } from '../../../domain/recurrence';
import { isRecurringTransferId, planAfterRun } from '../../../domain/recurring-transfer';
import {
  ExecutionOutcome,
  RecurringExecutionRecord,
  RecurringTransferRecord,
  RecurringTransferRepository,
} from '../../../infrastructure/recurring-transfer.repository';
import { RecurringTransferScheduler } from '../../recurring-transfer-scheduler';
import { SendP2pTransferCommand } from '../send-p2p-transfer/send-p2p-transfer.command';
import { RecurringRunResult, RunRecurringTransferCommand } from './run-recurring-transfer.command';

type Claim =
  | { kind: 'run'; schedule: RecurringTransferRecord; occurrenceAt: Date; next: Date | null }
  | { kind: 'already-ran'; occurrenceAt: Date; execution: RecurringExecutionRecord; next: Date | null }
  | { kind: 'skipped'; reason: string; occurrenceAt: Date | null; next: Date | null };

function ruleOf(schedule: RecurringTransferRecord): Recurrence {
  return {
    frequency: schedule.frequency,
    startAt: schedule.startAt,
    timezone: schedule.timezone,
    endAt: schedule.endAt,
    maxOccurrences: schedule.maxOccurrences,
  };
}

/** Refusals that leave nothing to retry: recorded as a failed execution, and the schedule goes on. */
function isFinalRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && !['conflict', 'unavailable', 'rate_limited'].includes(error.kind);
}

/**
 * One occurrence, safe to run any number of times, anywhere (DESIGN.md, Jobs):
 *
 * 1. Claim, in one transaction under the schedule's row lock: insert the execution (UNIQUE schedule +
 *    occurrence) and move the schedule on to its next run (or to "completed"). A paused, cancelled or edited
 *    schedule whose next run is no longer this occurrence claims nothing.
 * 2. Declare the next occurrence's job, before any money moves, so a crash below never ends the chain.
 * 3. Pay through the ordinary P2P transfer command with the idempotency key
 *    `recurring:<scheduleId>:<occurrence ISO>`. A second run of the same occurrence (a retried or duplicated
 *    job, another worker, a restart after a crash between 1 and 4) gets the stored answer replayed — the
 *    same transfer — or, while the first is still in flight, waits on the key's row (PostgreSQL) or gets
 *    IDEMPOTENCY_CONFLICT and BullMQ retries the job. A refused transfer (funds, limits) is an outcome.
 * 4. Record the outcome on the execution, once, with a RecurringTransferExecuted event in the outbox.
 *
 * Steps 1, 3 and 4 are separate transactions because the transfer command owns its own; nothing here holds a
 * transaction while it waits on another connection.
 */
@CommandHandler(RunRecurringTransferCommand)
export class RunRecurringTransferHandler implements ICommandHandler<RunRecurringTransferCommand> {
  constructor(
    private readonly schedules: RecurringTransferRepository,
    private readonly scheduler: RecurringTransferScheduler,
    private readonly commands: CommandBus,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
  ) {}

  async execute({ scheduleId, occurrenceAt }: RunRecurringTransferCommand): Promise<RecurringRunResult> {
    if (!isRecurringTransferId(scheduleId)) {
      return { outcome: 'skipped', scheduleId, occurrenceAt: null, reason: 'no such schedule' };
    }
    const now = new Date();
    const claim = await this.uow.run((tx) => this.claim(tx, scheduleId, occurrenceAt, now));
    if (claim.next) await this.scheduler.ensure(scheduleId, claim.next);
    if (claim.kind === 'skipped') {
      return {
        outcome: 'skipped',
        scheduleId,
        occurrenceAt: claim.occurrenceAt?.toISOString() ?? null,
        reason: claim.reason,
      };
    }
    if (claim.kind === 'already-ran') {
      return {
        outcome: 'already-ran',
        scheduleId,
        occurrenceAt: claim.occurrenceAt.toISOString(),
        transferId: claim.execution.transferId,
        failureCode: claim.execution.failureCode,
      };
    }

    const { schedule } = claim;
    const outcome = await this.pay(schedule, claim.occurrenceAt);
    const recorded = await this.uow.run(async (tx) => {
      if (!(await this.schedules.finishExecution(tx, schedule.id, claim.occurrenceAt, outcome))) return false;
      const payload: RecurringTransferExecutedPayload = {
        scheduleId: schedule.id,
        userId: schedule.userId,
        occurrenceAt: claim.occurrenceAt.toISOString(),
        status: outcome.status,
        transferId: outcome.transferId,
        failureCode: outcome.status === 'failed' ? outcome.failureCode : null,
        currency: schedule.currency,
        amount: Money.of(schedule.amount, schedule.currency).toDecimalString(),
      };
      await this.outbox.append(tx, [
        { type: RecurringTransferExecuted, aggregateId: schedule.id, userIds: [schedule.userId], payload },
      ]);
      return true;
    });
    this.relay.nudge();
    return {
      // Another run of the same occurrence recorded it first (with the same transfer, replayed).
      outcome: recorded ? outcome.status : 'already-ran',
      scheduleId,
      occurrenceAt: claim.occurrenceAt.toISOString(),
      transferId: outcome.transferId,
      failureCode: outcome.status === 'failed' ? outcome.failureCode : null,
    };
  }

  private async claim(
    tx: EntityManager,
    scheduleId: string,
    requested: Date | null,
    now: Date,
  ): Promise<Claim> {
    const schedule = await this.schedules.lock(tx, scheduleId);
    if (!schedule)
      return { kind: 'skipped', reason: 'no such schedule', occurrenceAt: requested, next: null };
    const pending = schedule.status === 'active' ? schedule.nextRunAt : null;
    const occurrenceAt =
      requested ??
      (await this.schedules.oldestUnfinished(tx, scheduleId)) ??
      (pending && pending.getTime() <= now.getTime() ? pending : null);
    if (!occurrenceAt) return { kind: 'skipped', reason: 'nothing due', occurrenceAt: null, next: pending };

    const execution = await this.schedules.execution(tx, scheduleId, occurrenceAt);
    // Claimed by an earlier run that did not record the outcome: finish it (the key replays any payment).
    if (execution?.status === 'processing') return { kind: 'run', schedule, occurrenceAt, next: pending };
    if (execution) return { kind: 'already-ran', occurrenceAt, execution, next: pending };
    if (schedule.status !== 'active') {
      return { kind: 'skipped', reason: `schedule is ${schedule.status}`, occurrenceAt, next: null };
    }
    if (pending?.getTime() !== occurrenceAt.getTime()) {
      return { kind: 'skipped', reason: 'not the schedule’s next occurrence', occurrenceAt, next: pending };
    }

    await this.schedules.claimExecution(tx, scheduleId, occurrenceAt);
    const occurrencesRun = schedule.occurrencesRun + 1;
    const after = planAfterRun(ruleOf(schedule), occurrenceAt, occurrencesRun, now);
    const advanced: RecurringTransferRecord = {
      ...schedule,
      occurrencesRun,
      status: after.status,
      nextRunAt: after.nextRunAt,
      updatedAt: now,
    };
    await this.schedules.update(tx, advanced);
    return { kind: 'run', schedule: advanced, occurrenceAt, next: after.nextRunAt };
  }

  private async pay(schedule: RecurringTransferRecord, occurrenceAt: Date): Promise<ExecutionOutcome> {
    const occurrence = occurrenceAt.toISOString();
    try {
      const result = await this.commands.execute(
        new SendP2pTransferCommand(
          schedule.userId,
          `recurring:${schedule.id}:${occurrence}`,
          'recurring-transfer',
          schedule.recipientUserId,
          Money.of(schedule.amount, schedule.currency),
          schedule.note,
          // Only what identifies the occurrence: an amount edited between two attempts must not turn the
          // replay of the first attempt's answer into IDEMPOTENCY_KEY_REUSED.
          { scheduleId: schedule.id, occurrenceAt: occurrence },
        ),
      );
      const transfer = result.body.transfer as { id?: string } | undefined;
      if (result.status === 201 && transfer?.id) return { status: 'completed', transferId: transfer.id };
      const error = result.body.error as { code?: string } | undefined;
      return {
        status: 'failed',
        transferId: transfer?.id ?? null,
        failureCode: error?.code ?? 'TRANSFER_REFUSED',
      };
    } catch (error) {
      // Refused before any transfer was recorded (the recipient closed their account …).
      if (isFinalRefusal(error)) return { status: 'failed', transferId: null, failureCode: error.code };
      throw error; // in flight elsewhere, or the database is unavailable: the job is retried
    }
  }
}
