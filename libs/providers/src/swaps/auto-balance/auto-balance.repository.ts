import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AutoBalanceMode, AutoBalanceTarget } from '../../domain/auto-balance.policy';

export interface AutoBalanceSettings extends AutoBalanceTarget {
  userId: string;
  lastRunAt: Date | null;
  updatedAt: Date;
}

interface Row {
  user_id: string;
  mode: AutoBalanceMode;
  minimum: string | null;
  shares: Record<string, number> | null;
  tolerance_bps: number;
  min_swap_usd_cents: string;
  last_run_at: Date | null;
  updated_at: Date;
}

const COLUMNS = `user_id, mode, minimum::text AS minimum, shares, tolerance_bps, min_swap_usd_cents::text AS min_swap_usd_cents,
  last_run_at, updated_at`;

function toSettings(row: Row): AutoBalanceSettings {
  return {
    userId: row.user_id,
    mode: row.mode,
    minimum: row.minimum === null ? null : BigInt(row.minimum),
    shares: row.shares,
    toleranceBps: Number(row.tolerance_bps),
    minSwapUsdCents: BigInt(row.min_swap_usd_cents),
    lastRunAt: row.last_run_at ? new Date(row.last_run_at) : null,
    updatedAt: new Date(row.updated_at),
  };
}

/** Auto-balance targets and when each wallet was last rebalanced: all their SQL. */
@Injectable()
export class AutoBalanceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(userId: string): Promise<AutoBalanceSettings | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM auto_balance_settings WHERE user_id = $1`,
      [userId],
    )) as Row[];
    return rows.length > 0 ? toSettings(rows[0]) : null;
  }

  async upsert(userId: string, target: AutoBalanceTarget, at: Date): Promise<AutoBalanceSettings> {
    const rows = (await this.dataSource.query(
      `INSERT INTO auto_balance_settings (user_id, mode, minimum, shares, tolerance_bps, min_swap_usd_cents, updated_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
       ON CONFLICT (user_id) DO UPDATE SET mode = EXCLUDED.mode, minimum = EXCLUDED.minimum, shares = EXCLUDED.shares,
         tolerance_bps = EXCLUDED.tolerance_bps, min_swap_usd_cents = EXCLUDED.min_swap_usd_cents,
         updated_at = EXCLUDED.updated_at
       RETURNING ${COLUMNS}`,
      [
        userId,
        target.mode,
        target.minimum?.toString() ?? null,
        target.shares === null ? null : JSON.stringify(target.shares),
        target.toleranceBps,
        target.minSwapUsdCents.toString(),
        at,
      ],
    )) as Row[];
    return toSettings(rows[0]);
  }

  /**
   * Takes the user's turn to be rebalanced at `now` if the last run is at least `intervalMs` ago: one guarded UPDATE,
   * so two triggers at once (a job and an event, two processes) rebalance once.
   */
  async claimRun(userId: string, now: Date, intervalMs: number): Promise<AutoBalanceSettings | null> {
    const rows = (await this.dataSource.query(
      `UPDATE auto_balance_settings SET last_run_at = $2
        WHERE user_id = $1 AND (last_run_at IS NULL OR last_run_at <= $3)
        RETURNING ${COLUMNS}`,
      [userId, now, new Date(now.getTime() - intervalMs)],
    )) as [Row[], number];
    return rows[0].length > 0 ? toSettings(rows[0][0]) : null;
  }

  /** Of `userIds`, those who set a target (one query for all the users a batch moved money for). */
  async withTargets(userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT user_id FROM auto_balance_settings WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    )) as Array<{ user_id: string }>;
    return rows.map((row) => row.user_id);
  }

  /** Users with targets whose interval has passed (the scheduled job and the sandbox clock's sweep). */
  async due(now: Date, intervalMs: number, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT user_id FROM auto_balance_settings WHERE last_run_at IS NULL OR last_run_at <= $1
        ORDER BY last_run_at NULLS FIRST LIMIT $2`,
      [new Date(now.getTime() - intervalMs), limit],
    )) as Array<{ user_id: string }>;
    return rows.map((row) => row.user_id);
  }
}
