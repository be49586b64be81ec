import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Auto-balance targets (libs/providers): a minimum of the preferred currency, or target shares with a tolerance. */
export class AutoBalance1765700300000 implements MigrationInterface {
  name = 'AutoBalance1765700300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auto_balance_settings (
        user_id uuid PRIMARY KEY,
        mode text NOT NULL CHECK (mode IN ('minimum', 'shares')),
        minimum bigint NULL CHECK (minimum IS NULL OR minimum >= 0),
        shares jsonb NULL,
        tolerance_bps integer NOT NULL CHECK (tolerance_bps BETWEEN 0 AND 10000),
        min_swap_usd_cents bigint NOT NULL CHECK (min_swap_usd_cents >= 0),
        last_run_at timestamptz NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
