import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Transfers1763800200000 implements MigrationInterface {
  name = 'Transfers1763800200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE transfer_batches (
        id uuid PRIMARY KEY,
        sender_user_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('processing', 'completed', 'failed')),
        recipient_count integer NOT NULL CHECK (recipient_count BETWEEN 1 AND 1000),
        fee_currency text NOT NULL,
        fee bigint NOT NULL DEFAULT 0 CHECK (fee >= 0),
        failure_code text,
        ledger_transaction_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE transfers (
        id uuid PRIMARY KEY,
        batch_id uuid REFERENCES transfer_batches (id),
        sender_user_id uuid NOT NULL,
        recipient_user_id uuid NOT NULL,
        recipient_ref text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        fee bigint NOT NULL DEFAULT 0 CHECK (fee >= 0),
        note text,
        status text NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
        failure_code text,
        failure_message text,
        ledger_transaction_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX transfers_sender_idx ON transfers (sender_user_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX transfers_recipient_idx ON transfers (recipient_user_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX transfers_batch_idx ON transfers (batch_id) WHERE batch_id IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE transfer_status_history (
        id bigserial PRIMARY KEY,
        transfer_id uuid NOT NULL REFERENCES transfers (id),
        status text NOT NULL,
        reason text,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(
      `CREATE INDEX transfer_status_history_transfer_idx ON transfer_status_history (transfer_id, id)`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
