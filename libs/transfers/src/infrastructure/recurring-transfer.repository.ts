import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import type { Frequency } from '../domain/recurrence';
import type { RecurringStatus } from '../domain/recurring-transfer';

export interface RecurringTransferRecord {
  id: string;
  userId: string;
  recipientRef: string;
  recipientUserId: string;
  currency: CurrencyCode;
  amount: bigint;
  frequency: Frequency;
  startAt: Date;
  endAt: Date | null;
  maxOccurrences: number | null;
  timezone: string;
  note: string | null;
  status: RecurringStatus;
  nextRunAt: Date | null;
  occurrencesRun: number;
  createdAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
}

/**
 * processing: attempt `attempt` is being paid; retrying: it was refused for funds or limits and attempt
 * `attempt + 1` is due at `retryAt`; completed / failed / skipped: final (skipped: every attempt refused).
 */
export type ExecutionStatus = 'processing' | 'retrying' | 'completed' | 'failed' | 'skipped';

export interface RecurringExecutionRecord {
  occurrenceAt: Date;
  status: ExecutionStatus;
  transferId: string | null;
  failureCode: string | null;
  attempt: number;
  retryAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export type ExecutionOutcome =
  | { status: 'completed'; transferId: string }
  | { status: 'failed' | 'skipped'; transferId: string | null; failureCode: string };

interface ScheduleRow {
  id: string;
  user_id: string;
  recipient_ref: string;
  recipient_user_id: string;
  currency: CurrencyCode;
  amount: string;
  frequency: Frequency;
  start_at: Date;
  end_at: Date | null;
  max_occurrences: number | null;
  timezone: string;
  note: string | null;
  status: RecurringStatus;
  next_run_at: Date | null;
  occurrences_run: number;
  created_at: Date;
  updated_at: Date;
  cancelled_at: Date | null;
}

interface ExecutionRow {
  occurrence_at: Date;
  status: ExecutionStatus;
  transfer_id: string | null;
  failure_code: string | null;
  attempt: number;
  retry_at: Date | null;
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = `id, user_id, recipient_ref, recipient_user_id, currency, amount::text AS amount, frequency, start_at,
  end_at, max_occurrences, timezone, note, status, next_run_at, occurrences_run, created_at, updated_at, cancelled_at`;

const EXECUTION_COLUMNS = `occurrence_at, status, transfer_id, failure_code, attempt, retry_at, created_at, finished_at`;

function toRecord(row: ScheduleRow): RecurringTransferRecord {
  return {
    id: row.id,
    userId: row.user_id,
    recipientRef: row.recipient_ref,
    recipientUserId: row.recipient_user_id,
    currency: row.currency,
    amount: BigInt(row.amount),
    frequency: row.frequency,
    startAt: row.start_at,
    endAt: row.end_at,
    maxOccurrences: row.max_occurrences,
    timezone: row.timezone,
    note: row.note,
    status: row.status,
    nextRunAt: row.next_run_at,
    occurrencesRun: row.occurrences_run,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    cancelledAt: row.cancelled_at,
  };
}

function toExecution(row: ExecutionRow): RecurringExecutionRecord {
  return {
    occurrenceAt: row.occurrence_at,
    status: row.status,
    transferId: row.transfer_id,
    failureCode: row.failure_code,
    attempt: row.attempt,
    retryAt: row.retry_at,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
  };
}

/** Recurring transfer schedules and the occurrences that ran. All SQL for them lives here. */
@Injectable()
export class RecurringTransferRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, s: RecurringTransferRecord): Promise<void> {
    await tx.query(
      `INSERT INTO recurring_transfers (id, user_id, recipient_ref, recipient_user_id, currency, amount, frequency,
         start_at, end_at, max_occurrences, timezone, note, status, next_run_at, occurrences_run, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        s.id,
        s.userId,
        s.recipientRef,
        s.recipientUserId,
        s.currency,
        s.amount.toString(),
        s.frequency,
        s.startAt,
        s.endAt,
        s.maxOccurrences,
        s.timezone,
        s.note,
        s.status,
        s.nextRunAt,
        s.occurrencesRun,
        s.createdAt,
        s.updatedAt,
      ],
    );
  }

  /** Writes every field that may change after creation. */
  async update(tx: EntityManager, s: RecurringTransferRecord): Promise<void> {
    await tx.query(
      `UPDATE recurring_transfers SET currency = $2, amount = $3, frequency = $4, start_at = $5, end_at = $6,
         max_occurrences = $7, timezone = $8, note = $9, status = $10, next_run_at = $11, occurrences_run = $12,
         updated_at = $13, cancelled_at = $14
       WHERE id = $1`,
      [
        s.id,
        s.currency,
        s.amount.toString(),
        s.frequency,
        s.startAt,
        s.endAt,
        s.maxOccurrences,
        s.timezone,
        s.note,
        s.status,
        s.nextRunAt,
        s.occurrencesRun,
        s.updatedAt,
        s.cancelledAt,
      ],
    );
  }

  /** The schedule, row-locked for the rest of `tx`; `ownerId` scopes it to its owner. */
  async lock(tx: EntityManager, id: string, ownerId?: string): Promise<RecurringTransferRecord | null> {
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM recurring_transfers WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE`,
      [id, ownerId ?? null],
    )) as ScheduleRow[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async findForOwner(id: string, ownerId: string): Promise<RecurringTransferRecord | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recurring_transfers WHERE id = $1 AND user_id = $2`,
      [id, ownerId],
    )) as ScheduleRow[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async findById(id: string): Promise<RecurringTransferRecord | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM recurring_transfers WHERE id = $1`, [
      id,
    ])) as ScheduleRow[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  /** Newest first; `after` is the (created_at, id) of the last row of the previous page. */
  async listForOwner(
    ownerId: string,
    page: { limit: number; after?: { createdAt: Date; id: string } },
  ): Promise<RecurringTransferRecord[]> {
    const values: unknown[] = [ownerId, page.limit];
    let where = 'user_id = $1';
    if (page.after) {
      values.push(page.after.createdAt, page.after.id);
      where += ' AND (created_at, id) < ($3, $4::uuid)';
    }
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM recurring_transfers WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
      values,
    )) as ScheduleRow[];
    return rows.map(toRecord);
  }

  /** The most recent executions, newest occurrence first. */
  async executions(scheduleId: string, limit: number): Promise<RecurringExecutionRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${EXECUTION_COLUMNS}
         FROM recurring_transfer_executions WHERE schedule_id = $1 ORDER BY occurrence_at DESC LIMIT $2`,
      [scheduleId, limit],
    )) as ExecutionRow[];
    return rows.map(toExecution);
  }

  async execution(
    tx: EntityManager,
    scheduleId: string,
    occurrenceAt: Date,
  ): Promise<RecurringExecutionRecord | null> {
    const rows = (await tx.query(
      `SELECT ${EXECUTION_COLUMNS}
         FROM recurring_transfer_executions WHERE schedule_id = $1 AND occurrence_at = $2`,
      [scheduleId, occurrenceAt],
    )) as ExecutionRow[];
    return rows.length > 0 ? toExecution(rows[0]) : null;
  }

  /** An occurrence that was claimed but whose transfer outcome was never recorded (a crash in between). */
  async oldestUnfinished(tx: EntityManager, scheduleId: string): Promise<Date | null> {
    const rows = (await tx.query(
      `SELECT occurrence_at FROM recurring_transfer_executions
        WHERE schedule_id = $1 AND status = 'processing' ORDER BY occurrence_at LIMIT 1`,
      [scheduleId],
    )) as Array<{ occurrence_at: Date }>;
    return rows[0]?.occurrence_at ?? null;
  }

  async lastOccurrence(tx: EntityManager, scheduleId: string): Promise<Date | null> {
    const [row] = (await tx.query(
      `SELECT max(occurrence_at) AS last FROM recurring_transfer_executions WHERE schedule_id = $1`,
      [scheduleId],
    )) as Array<{ last: Date | null }>;
    return row?.last ?? null;
  }

  /** Claims an occurrence; false when it was claimed before (UNIQUE (schedule_id, occurrence_at)). */
  async claimExecution(tx: EntityManager, scheduleId: string, occurrenceAt: Date): Promise<boolean> {
    const inserted = (await tx.query(
      `INSERT INTO recurring_transfer_executions (schedule_id, occurrence_at, status)
       VALUES ($1, $2, 'processing') ON CONFLICT (schedule_id, occurrence_at) DO NOTHING RETURNING 1`,
      [scheduleId, occurrenceAt],
    )) as unknown[];
    return inserted.length > 0;
  }

  /**
   * Records what attempt `attempt` of the occurrence did; false when another run recorded it first (the
   * execution is no longer at that attempt, or no longer processing).
   */
  async finishExecution(
    tx: EntityManager,
    scheduleId: string,
    occurrenceAt: Date,
    attempt: number,
    outcome: ExecutionOutcome,
  ): Promise<boolean> {
    // node-postgres via TypeORM answers an UPDATE with `[rows, affectedCount]`.
    const [, affected] = (await tx.query(
      `UPDATE recurring_transfer_executions
          SET status = $3, transfer_id = $4, failure_code = $5, finished_at = now(), retry_at = NULL
        WHERE schedule_id = $1 AND occurrence_at = $2 AND status = 'processing' AND attempt = $6`,
      [
        scheduleId,
        occurrenceAt,
        outcome.status,
        outcome.transferId,
        outcome.status === 'completed' ? null : outcome.failureCode,
        attempt,
      ],
    )) as [unknown[], number];
    return affected > 0;
  }

  /** Attempt `attempt` was refused for funds or limits: the next one is due at `retryAt`. */
  async markRetrying(
    tx: EntityManager,
    scheduleId: string,
    occurrenceAt: Date,
    attempt: number,
    refusal: { transferId: string | null; failureCode: string; retryAt: Date },
  ): Promise<boolean> {
    const [, affected] = (await tx.query(
      `UPDATE recurring_transfer_executions
          SET status = 'retrying', transfer_id = $4, failure_code = $5, retry_at = $6
        WHERE schedule_id = $1 AND occurrence_at = $2 AND status = 'processing' AND attempt = $3`,
      [scheduleId, occurrenceAt, attempt, refusal.transferId, refusal.failureCode, refusal.retryAt],
    )) as [unknown[], number];
    return affected > 0;
  }

  /**
   * Claims attempt `attempt` of an occurrence waiting as 'retrying' after attempt `attempt - 1`; false when
   * another run claimed it (or the occurrence is no longer waiting).
   */
  async claimRetry(
    tx: EntityManager,
    scheduleId: string,
    occurrenceAt: Date,
    attempt: number,
  ): Promise<boolean> {
    const [, affected] = (await tx.query(
      `UPDATE recurring_transfer_executions SET status = 'processing', attempt = $3, retry_at = NULL
        WHERE schedule_id = $1 AND occurrence_at = $2 AND status = 'retrying' AND attempt = $3 - 1`,
      [scheduleId, occurrenceAt, attempt],
    )) as [unknown[], number];
    return affected > 0;
  }

  /** The statuses of the `count` latest occurrences, newest first. */
  async latestStatuses(tx: EntityManager, scheduleId: string, count: number): Promise<ExecutionStatus[]> {
    const rows = (await tx.query(
      `SELECT status FROM recurring_transfer_executions WHERE schedule_id = $1
        ORDER BY occurrence_at DESC LIMIT $2`,
      [scheduleId, count],
    )) as Array<{ status: ExecutionStatus }>;
    return rows.map((row) => row.status);
  }

  /** Occurrences waiting for a retry that is overdue by `graceMs` (its job was lost): re-declared at start-up. */
  async overdueRetries(
    graceMs: number,
    limit: number,
  ): Promise<Array<{ scheduleId: string; occurrenceAt: Date; attempt: number; retryAt: Date }>> {
    const rows = (await this.dataSource.query(
      `SELECT schedule_id, occurrence_at, attempt, retry_at FROM recurring_transfer_executions
        WHERE status = 'retrying' AND retry_at < $1 ORDER BY retry_at LIMIT $2`,
      [new Date(Date.now() - graceMs), limit],
    )) as Array<{ schedule_id: string; occurrence_at: Date; attempt: number; retry_at: Date }>;
    return rows.map((row) => ({
      scheduleId: row.schedule_id,
      occurrenceAt: row.occurrence_at,
      attempt: row.attempt + 1,
      retryAt: row.retry_at,
    }));
  }

  /**
   * Schedules that look stuck: active with an occurrence overdue by `graceMs`, or with an occurrence claimed
   * but never finished. Their jobs are re-declared at start-up.
   */
  async stuck(graceMs: number, limit: number): Promise<Array<{ scheduleId: string; occurrenceAt: Date }>> {
    const cutoff = new Date(Date.now() - graceMs);
    const rows = (await this.dataSource.query(
      `(SELECT id AS schedule_id, next_run_at AS occurrence_at FROM recurring_transfers
         WHERE status = 'active' AND next_run_at < $1 ORDER BY next_run_at LIMIT $2)
       UNION
       (SELECT schedule_id, occurrence_at FROM recurring_transfer_executions
         WHERE status = 'processing' AND created_at < $1 ORDER BY created_at LIMIT $2)`,
      [cutoff, limit],
    )) as Array<{ schedule_id: string; occurrence_at: Date }>;
    return rows.map((row) => ({ scheduleId: row.schedule_id, occurrenceAt: row.occurrence_at }));
  }
}
