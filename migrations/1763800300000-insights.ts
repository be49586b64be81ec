import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Insights1763800300000 implements MigrationInterface {
  name = 'Insights1763800300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Read models built from domain events; rebuildable from the event journal (npm run projections:rebuild).
    await queryRunner.query(`
      CREATE TABLE portfolio_balances (
        user_id uuid NOT NULL,
        currency text NOT NULL,
        total bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, currency)
      )`);
    await queryRunner.query(`
      CREATE TABLE activity (
        id text PRIMARY KEY,
        user_id uuid NOT NULL,
        type text NOT NULL,
        reference_id text NOT NULL,
        batch_id uuid,
        counterparty_user_id uuid,
        currency text NOT NULL,
        amount bigint NOT NULL,
        fee bigint NOT NULL DEFAULT 0,
        status text NOT NULL,
        failure_code text,
        note text,
        occurred_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX activity_user_time_idx ON activity (user_id, occurred_at DESC, id DESC)`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
