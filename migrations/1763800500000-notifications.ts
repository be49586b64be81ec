import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1763800500000 implements MigrationInterface {
  name = 'Notifications1763800500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // In-app notifications, written by the notifications context's event consumer.
    //
    // Built so that email, SMS and push can come later without a new table: `channels` names where a
    // notification should go (only 'in_app' today, which needs no delivery: the row is the inbox), and
    // `deliveries` will hold one entry per outbound channel, e.g. {"email": {"status": "sent", "attempts": 1,
    // "providerId": "…", "at": "…"}}. A jsonb rather than per-channel columns because the channel set and
    // what a provider reports differ per channel; a delivery worker will select on `channels` and update its
    // own key. Nothing writes `deliveries` yet.
    //
    // `dedupe_key` makes creation idempotent beyond the relay's processed_events: a reminder job that runs
    // twice emits two events, but the user gets one notification per (user, dedupe_key).
    await queryRunner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        kind text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        channels text[] NOT NULL DEFAULT '{in_app}',
        deliveries jsonb NOT NULL DEFAULT '{}'::jsonb,
        dedupe_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at DESC, id DESC)
        WHERE read_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX notifications_dedupe_idx ON notifications (user_id, dedupe_key)
        WHERE dedupe_key IS NOT NULL`,
    );

    // Recurring transfers: an occurrence refused for funds or limits is retried with a new idempotency key
    // per attempt (`attempt`), waits between attempts as 'retrying' (until `retry_at`), and ends 'skipped'
    // when every attempt was refused. The status CHECK is widened (a superset of the old one: additive).
    await queryRunner.query(
      `ALTER TABLE recurring_transfer_executions ADD COLUMN attempt integer NOT NULL DEFAULT 1 CHECK (attempt >= 1)`,
    );
    await queryRunner.query(`ALTER TABLE recurring_transfer_executions ADD COLUMN retry_at timestamptz`);
    await queryRunner.query(
      `ALTER TABLE recurring_transfer_executions DROP CONSTRAINT recurring_transfer_executions_status_check`,
    );
    await queryRunner.query(
      `ALTER TABLE recurring_transfer_executions ADD CONSTRAINT recurring_transfer_executions_status_check
        CHECK (status IN ('processing', 'retrying', 'completed', 'failed', 'skipped'))`,
    );
    await queryRunner.query(
      `CREATE INDEX recurring_transfer_executions_retrying_idx ON recurring_transfer_executions (retry_at)
        WHERE status = 'retrying'`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
