import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events a consumer failed on (libs/shared/src/messaging/parked-events.ts): each failure is counted with a backoff;
 * after the last attempt the event is parked for that consumer alone, so one event a read model cannot take no
 * longer stops every consumer behind it. An operator lists and re-drives parked events.
 */
export class ParkedEvents1765150000000 implements MigrationInterface {
  name = 'ParkedEvents1765150000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE event_consumer_failures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        attempts integer NOT NULL,
        last_error text NOT NULL,
        first_failed_at timestamptz NOT NULL DEFAULT now(),
        last_failed_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        parked_at timestamptz NULL,
        resolved_at timestamptz NULL,
        UNIQUE (consumer, event_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX event_consumer_failures_open_idx ON event_consumer_failures (parked_at) WHERE resolved_at IS NULL`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
