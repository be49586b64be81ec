import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';

export interface BalanceMonitor {
  id: string;
  userId: string;
  currency: string;
  condition: 'below' | 'above';
  /** Minor units. */
  threshold: bigint;
  state: 'armed' | 'fired';
  crossings: number;
  lastFiredAt: Date | null;
  createdAt: Date;
}

interface MonitorRow {
  id: string;
  user_id: string;
  currency: string;
  condition: 'below' | 'above';
  threshold: string;
  state: 'armed' | 'fired';
  crossings: number;
  last_fired_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  'id, user_id, currency, condition, threshold::text AS threshold, state, crossings, last_fired_at, created_at';

const toMonitor = (row: MonitorRow): BalanceMonitor => ({
  id: row.id,
  userId: row.user_id,
  currency: row.currency,
  condition: row.condition,
  threshold: BigInt(row.threshold),
  state: row.state,
  crossings: row.crossings,
  lastFiredAt: row.last_fired_at,
  createdAt: row.created_at,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Balance monitors and the users whose balances changed since their monitors were last evaluated. */
@Injectable()
export class BalanceMonitorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async create(
    input: Pick<BalanceMonitor, 'userId' | 'currency' | 'condition' | 'threshold'>,
  ): Promise<BalanceMonitor> {
    const rows = (await this.dataSource.query(
      `INSERT INTO balance_monitors (id, user_id, currency, condition, threshold) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COLUMNS}`,
      [randomUUID(), input.userId, input.currency, input.condition, input.threshold.toString()],
    )) as MonitorRow[];
    return toMonitor(rows[0]);
  }

  async count(userId: string): Promise<number> {
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM balance_monitors WHERE user_id = $1 AND deleted_at IS NULL`,
      [userId],
    )) as Array<{ count: number }>;
    return count;
  }

  async list(userId: string, tx?: EntityManager): Promise<BalanceMonitor[]> {
    const rows = (await (tx ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM balance_monitors WHERE user_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
      [userId],
    )) as MonitorRow[];
    return rows.map(toMonitor);
  }

  /** False for another user's or an unknown id; deleting twice is fine. */
  async remove(userId: string, id: string): Promise<boolean> {
    if (!UUID.test(id)) return false;
    const [, count] = (await this.dataSource.query(
      `UPDATE balance_monitors SET deleted_at = coalesce(deleted_at, now()) WHERE id = $1 AND user_id = $2`,
      [id, userId],
    )) as [unknown, number];
    return count > 0;
  }

  /**
   * In the relay's transaction: these users' balances changed; only users with monitors are remembered. Returns how
   * many were.
   */
  async requestChecks(tx: EntityManager, userIds: string[]): Promise<number> {
    if (userIds.length === 0) return 0;
    const rows = (await tx.query(
      `INSERT INTO balance_monitor_checks (user_id)
       SELECT DISTINCT user_id FROM balance_monitors WHERE user_id = ANY($1::uuid[]) AND deleted_at IS NULL
       ON CONFLICT (user_id) DO UPDATE SET requested_at = now()
       RETURNING user_id`,
      [userIds],
    )) as unknown[];
    return rows.length;
  }

  async requestCheck(userId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO balance_monitor_checks (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET requested_at = now()`,
      [userId],
    );
  }

  /** Takes (and forgets) up to `limit` pending checks. */
  async takeChecks(limit: number): Promise<string[]> {
    const [rows] = (await this.dataSource.query(
      `DELETE FROM balance_monitor_checks WHERE user_id IN (
         SELECT user_id FROM balance_monitor_checks ORDER BY requested_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING user_id`,
      [limit],
    )) as [Array<{ user_id: string }>, number];
    return rows.map((row) => row.user_id);
  }

  /**
   * Moves a monitor to `state` in `tx` if it is not there yet, counting a crossing when it fires; returns the
   * monitor as it now is, or null when nothing changed (so a crossing fires once, however often it is evaluated).
   */
  async transition(
    tx: EntityManager,
    id: string,
    state: 'armed' | 'fired',
    now: Date,
  ): Promise<BalanceMonitor | null> {
    const [rows] = (await tx.query(
      `UPDATE balance_monitors
          SET state = $2,
              crossings = crossings + CASE WHEN $2 = 'fired' THEN 1 ELSE 0 END,
              last_fired_at = CASE WHEN $2 = 'fired' THEN $3::timestamptz ELSE last_fired_at END
        WHERE id = $1 AND state <> $2 AND deleted_at IS NULL
        RETURNING ${COLUMNS}`,
      [id, state, now],
    )) as [MonitorRow[], number];
    return rows.length > 0 ? toMonitor(rows[0]) : null;
  }
}
