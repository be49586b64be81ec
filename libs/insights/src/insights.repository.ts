import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { HistoryLineType, HistoryStatus } from './history';

export interface ActivityRow {
  id: string;
  userId: string;
  type: HistoryLineType;
  referenceId: string;
  batchId: string | null;
  counterpartyUserId: string | null;
  /** Shown instead of the counterparty's id (a sender's outgoing transfer: the masked recipient they typed). */
  counterpartyDisplay?: string | null;
  currency: string;
  amount: bigint;
  fee: bigint;
  /** `processing`: a provider movement under way (it becomes completed or failed). */
  status: HistoryStatus;
  failureCode: string | null;
  note: string | null;
  occurredAt: Date;
}

interface StoredActivity {
  id: string;
  type: ActivityRow['type'];
  reference_id: string;
  batch_id: string | null;
  counterparty_user_id: string | null;
  counterparty_display: string | null;
  currency: string;
  amount: string;
  fee: string;
  status: ActivityRow['status'];
  failure_code: string | null;
  note: string | null;
  occurred_at: Date;
}

@Injectable()
export class InsightsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Adds each delta to its user's total in its currency, in one statement (rows locked in the given order). */
  async addToPortfolioMany(
    tx: EntityManager,
    changes: ReadonlyArray<{ userId: string; currency: string; delta: bigint }>,
  ): Promise<void> {
    if (changes.length === 0) return;
    await tx.query(
      `INSERT INTO portfolio_balances (user_id, currency, total)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[])
       ON CONFLICT (user_id, currency) DO UPDATE
          SET total = portfolio_balances.total + EXCLUDED.total, updated_at = now()`,
      [changes.map((c) => c.userId), changes.map((c) => c.currency), changes.map((c) => c.delta.toString())],
    );
  }

  async portfolio(userId: string): Promise<Array<{ currency: string; total: bigint }>> {
    const rows = (await this.dataSource.query(
      `SELECT currency, total::text AS total FROM portfolio_balances WHERE user_id = $1 ORDER BY currency`,
      [userId],
    )) as Array<{ currency: string; total: string }>;
    return rows.map((row) => ({ currency: row.currency, total: BigInt(row.total) }));
  }

  async allPortfolios(): Promise<Array<{ userId: string; currency: string; total: bigint }>> {
    const rows = (await this.dataSource.query(
      `SELECT user_id, currency, total::text AS total FROM portfolio_balances ORDER BY user_id, currency`,
    )) as Array<{ user_id: string; currency: string; total: string }>;
    return rows.map((row) => ({ userId: row.user_id, currency: row.currency, total: BigInt(row.total) }));
  }

  /**
   * Lines of history, inserted, or — for a line whose movement goes on (a provider movement: processing, then
   * completed or failed) — updated in place, keeping its place in the history (`occurred_at`), unless it is
   * already final. One statement for all of them (they have distinct ids).
   */
  async upsertActivity(tx: EntityManager, rows: readonly ActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = rows.map((row) => {
      values.push(
        row.id,
        row.userId,
        row.type,
        row.referenceId,
        row.batchId,
        row.counterpartyUserId,
        row.currency,
        row.amount.toString(),
        row.fee.toString(),
        row.status,
        row.failureCode,
        row.note,
        row.occurredAt,
        row.counterpartyDisplay ?? null,
      );
      const base = values.length - 14;
      return `(${Array.from({ length: 14 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
    });
    await tx.query(
      `INSERT INTO activity (id, user_id, type, reference_id, batch_id, counterparty_user_id, currency, amount, fee, status, failure_code, note, occurred_at, counterparty_display)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, fee = EXCLUDED.fee, status = EXCLUDED.status,
         failure_code = EXCLUDED.failure_code
       WHERE activity.status NOT IN ('completed', 'failed')`,
      values,
    );
  }

  /** Newest first; `after` is the (occurred_at, id) of the last row of the previous page. */
  async activity(
    userId: string,
    filter: { limit: number; after?: { occurredAt: Date; id: string }; currency?: string; type?: string },
  ): Promise<Array<Omit<ActivityRow, 'userId'>>> {
    const conditions = ['user_id = $1'];
    const values: unknown[] = [userId];
    if (filter.after) {
      values.push(filter.after.occurredAt, filter.after.id);
      conditions.push(`(occurred_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    if (filter.currency) {
      values.push(filter.currency);
      conditions.push(`currency = $${values.length}`);
    }
    if (filter.type) {
      values.push(filter.type);
      conditions.push(`type = $${values.length}`);
    }
    values.push(filter.limit);
    const rows = (await this.dataSource.query(
      `SELECT id, type, reference_id, batch_id, counterparty_user_id, counterparty_display, currency, amount::text AS amount, fee::text AS fee,
              status, failure_code, note, occurred_at
         FROM activity WHERE ${conditions.join(' AND ')}
        ORDER BY occurred_at DESC, id DESC LIMIT $${values.length}`,
      values,
    )) as StoredActivity[];
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      referenceId: row.reference_id,
      batchId: row.batch_id,
      counterpartyUserId: row.counterparty_user_id,
      counterpartyDisplay: row.counterparty_display,
      currency: row.currency,
      amount: BigInt(row.amount),
      fee: BigInt(row.fee),
      status: row.status,
      failureCode: row.failure_code,
      note: row.note,
      occurredAt: row.occurred_at,
    }));
  }

  /** Empties the read models and their consumers' memory, for a rebuild from the journal. */
  async reset(tx: EntityManager, consumers: string[]): Promise<void> {
    await tx.query(`DELETE FROM portfolio_balances`);
    await tx.query(`DELETE FROM activity`);
    await tx.query(`DELETE FROM processed_events WHERE consumer = ANY($1::text[])`, [consumers]);
  }
}
