import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { DomainError, Money } from '#monay/kernel';
import {
  AppConfig,
  outboxMessage,
  OutboxRelay,
  OutboxWriter,
  UnitOfWork,
  type AnyOutboxMessage,
  type DomainEventName,
  type DomainEvents,
} from '#monay/shared';
import {
  RecurringTransferExecuted,
  RecurringTransferPaused,
  RecurringTransferSkipped,
  type RecurringTransferExecutedPayload,
  type RecurringTransferPausedPayload,
  type RecurringTransferSkippedPayload,
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
  | { kind: 'run'; schedule: RecurringTransferRecord; occurrenceAt: Date; attempt: number; next: Date | null }
  | { kind: 'already-ran'; occurrenceAt: Date; execution: RecurringExecutionRecord; next: Date | null }
  | { kind: 'skipped'; reason: string; occurrenceAt: Date | null; next: Date | null };

type Recorded =
  | { kind: 'recorded'; status: 'completed' | 'failed' | 'skipped' }
  | { kind: 'retry'; attempt: number; at: Date }
  | { kind: 'lost' };

/** Refusals that may pass later the same day (money arrives, a daily limit or velocity window frees up). */
const RETRYABLE_REFUSALS: ReadonlySet<string> = new Set([
  'INSUFFICIENT_FUNDS',
  'LIMIT_EXCEEDED',
  'VELOCITY_EXCEEDED',
]);

/** This many skipped occurrences in a row pause the schedule. */
export const SKIPS_BEFORE_PAUSE = 3;

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
 * A refusal for funds or limits (INSUFFICIENT_FUNDS, LIMIT_EXCEEDED, VELOCITY_EXCEEDED) is not final at once:
 * the execution waits as 'retrying' and a retry job runs attempt n + 1 after a backoff (doubling), up to
 * `RECURRING_RETRY_ATTEMPTS` retries. The idempotency key cannot stay the same — the refused transfer is stored
 * under it and would be replayed — so attempt n ≥ 2 pays with `recurring:<scheduleId>:<ISO>:attempt-<n>`.
 * At most one attempt pays: an attempt is claimed by moving the execution row (UNIQUE per occurrence) from
 * 'retrying' at n − 1 to 'processing' at n under the schedule's lock, and its outcome is recorded only while the
 * row is still 'processing' at n. After the last refused attempt the occurrence is 'skipped'
 * (RecurringTransferSkipped), and the third skipped occurrence in a row pauses the schedule
 * (RecurringTransferPaused).
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
    private readonly config: AppConfig,
  ) {}

  async execute({
    scheduleId,
    occurrenceAt,
    attempt,
  }: RunRecurringTransferCommand): Promise<RecurringRunResult> {
    if (!isRecurringTransferId(scheduleId)) {
      return { outcome: 'skipped', scheduleId, occurrenceAt: null, reason: 'no such schedule' };
    }
    const now = new Date();
    const claim = await this.uow.run((tx) =>
      attempt !== null && occurrenceAt !== null
        ? this.claimRetry(tx, scheduleId, occurrenceAt, attempt)
        : this.claim(tx, scheduleId, occurrenceAt, now),
    );
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
    const outcome = await this.pay(schedule, claim.occurrenceAt, claim.attempt);
    const recorded = await this.uow.run((tx) =>
      this.record(tx, schedule, claim.occurrenceAt, claim.attempt, outcome),
    );
    if (recorded.kind === 'retry') {
      await this.scheduler.retry(schedule.id, claim.occurrenceAt, recorded.attempt, recorded.at);
    }
    this.relay.nudge();
    return {
      // lost: another run of the same attempt recorded it first (with the same transfer, replayed).
      outcome:
        recorded.kind === 'lost'
          ? 'already-ran'
          : recorded.kind === 'retry'
            ? 'retry-scheduled'
            : recorded.status === 'skipped'
              ? 'occurrence-skipped'
              : recorded.status,
      scheduleId,
      occurrenceAt: claim.occurrenceAt.toISOString(),
      transferId: outcome.transferId,
      failureCode: outcome.status === 'completed' ? null : outcome.failureCode,
      attempt: claim.attempt,
      ...(recorded.kind === 'retry' && { retryAt: recorded.at.toISOString() }),
    };
  }

  /**
   * Records what attempt `attempt` did, under the schedule's lock: the final outcome with its event, or a
   * refusal to retry later, or — every attempt refused — a skipped occurrence, which may pause the schedule.
   */
  private async record(
    tx: EntityManager,
    planned: RecurringTransferRecord,
    occurrenceAt: Date,
    attempt: number,
    outcome: ExecutionOutcome,
  ): Promise<Recorded> {
    const schedule = (await this.schedules.lock(tx, planned.id)) ?? planned;
    const { retryAttempts, retryBackoffMs } = this.config.recurring;
    const retryable = outcome.status !== 'completed' && RETRYABLE_REFUSALS.has(outcome.failureCode);
    if (retryable && attempt <= retryAttempts) {
      const at = new Date(Date.now() + retryBackoffMs * 2 ** (attempt - 1));
      const marked = await this.schedules.markRetrying(tx, schedule.id, occurrenceAt, attempt, {
        transferId: outcome.transferId,
        failureCode: outcome.failureCode,
        retryAt: at,
      });
      return marked ? { kind: 'retry', attempt: attempt + 1, at } : { kind: 'lost' };
    }
    const final: ExecutionOutcome =
      retryable && outcome.status === 'failed' ? { ...outcome, status: 'skipped' } : outcome;
    if (!(await this.schedules.finishExecution(tx, schedule.id, occurrenceAt, attempt, final))) {
      return { kind: 'lost' };
    }
    const common = {
      scheduleId: schedule.id,
      userId: schedule.userId,
      currency: schedule.currency,
      amount: Money.of(schedule.amount, schedule.currency).toDecimalString(),
      recipient: schedule.recipientRef,
    };
    const event = <K extends DomainEventName>(type: K, payload: DomainEvents[K]) =>
      outboxMessage(type, schedule.id, [schedule.userId], payload);
    const events: AnyOutboxMessage[] = [];
    if (final.status === 'skipped') {
      const skipped: RecurringTransferSkippedPayload = {
        ...common,
        occurrenceAt: occurrenceAt.toISOString(),
        failureCode: final.failureCode,
        attempts: attempt,
      };
      events.push(event(RecurringTransferSkipped, skipped));
      const latest = await this.schedules.latestStatuses(tx, schedule.id, SKIPS_BEFORE_PAUSE);
      const inARow = latest.length === SKIPS_BEFORE_PAUSE && latest.every((status) => status === 'skipped');
      if (inARow && schedule.status === 'active') {
        await this.schedules.update(tx, {
          ...schedule,
          status: 'paused',
          nextRunAt: null,
          updatedAt: new Date(),
        });
        const paused: RecurringTransferPausedPayload = { ...common, skippedInARow: SKIPS_BEFORE_PAUSE };
        events.push(event(RecurringTransferPaused, paused));
      }
    } else {
      const executed: RecurringTransferExecutedPayload = {
        ...common,
        occurrenceAt: occurrenceAt.toISOString(),
        status: final.status,
        transferId: final.transferId,
        failureCode: final.status === 'failed' ? final.failureCode : null,
      };
      events.push(event(RecurringTransferExecuted, executed));
    }
    await this.outbox.append(tx, events);
    return { kind: 'recorded', status: final.status };
  }

  /**
   * Claims attempt `attempt` of an occurrence that waits for it, or finds it already claimed and unfinished (a
   * crash: run it again, the attempt's key replays any payment). An occurrence whose schedule was paused or
   * cancelled meanwhile is skipped without paying.
   */
  private async claimRetry(
    tx: EntityManager,
    scheduleId: string,
    occurrenceAt: Date,
    attempt: number,
  ): Promise<Claim> {
    const schedule = await this.schedules.lock(tx, scheduleId);
    if (!schedule) return { kind: 'skipped', reason: 'no such schedule', occurrenceAt, next: null };
    const execution = await this.schedules.execution(tx, scheduleId, occurrenceAt);
    if (!execution) return { kind: 'skipped', reason: 'no such occurrence', occurrenceAt, next: null };
    if (execution.status === 'processing' && execution.attempt === attempt) {
      return { kind: 'run', schedule, occurrenceAt, attempt, next: null };
    }
    if (execution.status !== 'retrying' || execution.attempt !== attempt - 1) {
      return { kind: 'already-ran', occurrenceAt, execution, next: null };
    }
    await this.schedules.claimRetry(tx, scheduleId, occurrenceAt, attempt);
    if (schedule.status === 'paused' || schedule.status === 'cancelled') {
      await this.schedules.finishExecution(tx, scheduleId, occurrenceAt, attempt, {
        status: 'skipped',
        transferId: execution.transferId,
        failureCode: execution.failureCode ?? 'TRANSFER_REFUSED',
      });
      return { kind: 'skipped', reason: `schedule is ${schedule.status}`, occurrenceAt, next: null };
    }
    return { kind: 'run', schedule, occurrenceAt, attempt, next: null };
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
    if (execution?.status === 'processing') {
      return { kind: 'run', schedule, occurrenceAt, attempt: execution.attempt, next: pending };
    }
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
    return { kind: 'run', schedule: advanced, occurrenceAt, attempt: 1, next: after.nextRunAt };
  }

  private async pay(
    schedule: RecurringTransferRecord,
    occurrenceAt: Date,
    attempt: number,
  ): Promise<ExecutionOutcome> {
    const occurrence = occurrenceAt.toISOString();
    // One key per attempt: a refused attempt's answer is stored under its key and would be replayed.
    const key = `recurring:${schedule.id}:${occurrence}` + (attempt > 1 ? `:attempt-${attempt}` : '');
    try {
      const result = await this.commands.execute(
        new SendP2pTransferCommand(
          schedule.userId,
          key,
          'recurring-transfer',
          schedule.recipientUserId,
          Money.of(schedule.amount, schedule.currency),
          schedule.note,
          // Only what identifies the occurrence: an amount edited between two attempts must not turn the
          // replay of the first attempt's answer into IDEMPOTENCY_KEY_REUSED.
          { scheduleId: schedule.id, occurrenceAt: occurrence },
          // The user set the schedule up; a job pays it, with no one there to step up.
          null,
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
