import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RecurringTransfers1763800400000 implements MigrationInterface {
  name = 'RecurringTransfers1763800400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A schedule; each occurrence is a BullMQ job and pays through the ordinary P2P transfer.
    await queryRunner.query(`
      CREATE TABLE recurring_transfers (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        recipient_ref text NOT NULL,
        recipient_user_id uuid NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly', 'biweekly', 'monthly')),
        start_at timestamptz NOT NULL,
        end_at timestamptz CHECK (end_at > start_at),
        max_occurrences integer CHECK (max_occurrences BETWEEN 1 AND 1000),
        timezone text NOT NULL,
        note text,
        status text NOT NULL CHECK (status IN ('active', 'paused', 'cancelled', 'completed')),
        next_run_at timestamptz,
        occurrences_run integer NOT NULL DEFAULT 0 CHECK (occurrences_run >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        cancelled_at timestamptz,
        CHECK (status <> 'active' OR next_run_at IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX recurring_transfers_user_idx ON recurring_transfers (user_id, created_at DESC, id DESC)`,
    );
    // Recovery at start-up looks for active schedules whose occurrence is overdue.
    await queryRunner.query(
      `CREATE INDEX recurring_transfers_due_idx ON recurring_transfers (next_run_at) WHERE status = 'active'`,
    );
    // One row per occurrence that ran: the UNIQUE pair is what makes an occurrence run once.
    await queryRunner.query(`
      CREATE TABLE recurring_transfer_executions (
        id bigserial PRIMARY KEY,
        schedule_id uuid NOT NULL REFERENCES recurring_transfers (id),
        occurrence_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
        transfer_id uuid REFERENCES transfers (id),
        failure_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        UNIQUE (schedule_id, occurrence_at)
      )`);
    await queryRunner.query(
      `CREATE INDEX recurring_transfer_executions_unfinished_idx ON recurring_transfer_executions (created_at)
        WHERE status = 'processing'`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
