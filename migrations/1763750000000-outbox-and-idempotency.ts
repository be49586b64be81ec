import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OutboxAndIdempotency1763750000000 implements MigrationInterface {
  name = 'OutboxAndIdempotency1763750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Domain events, written in the same transaction as the change they describe; a relay publishes them.
    await queryRunner.query(`
      CREATE TABLE outbox (
        sequence bigserial PRIMARY KEY,
        event_id uuid NOT NULL UNIQUE,
        type text NOT NULL,
        aggregate_id text NOT NULL,
        user_ids uuid[] NOT NULL DEFAULT '{}',
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX outbox_unpublished_idx ON outbox (sequence) WHERE published_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX outbox_user_ids_idx ON outbox USING gin (user_ids)`);

    // One row per (user, Idempotency-Key): the request's hash and the response it got.
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL,
        key text NOT NULL,
        scope text NOT NULL,
        request_hash text NOT NULL,
        status text NOT NULL CHECK (status IN ('in_flight', 'completed')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        PRIMARY KEY (user_id, key)
      )`);

    // Consumers remember what they applied, so at-least-once delivery applies each event once.
    await queryRunner.query(`
      CREATE TABLE processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
