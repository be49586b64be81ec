import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Money movements through providers (deposits, withdrawals, external transfers, batches) and provider webhooks. */
export class ProviderMovements1763800700000 implements MigrationInterface {
  name = 'ProviderMovements1763800700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per money movement through a provider. `id` is also OUR idempotency key at the provider: every
    // provider call for this movement carries it, and `getTransactionStatus(id)` finds it again.
    // The kind list is a named CHECK: a later migration widens it (DROP CONSTRAINT + ADD CONSTRAINT, wider).
    await queryRunner.query(`
      CREATE TABLE provider_movements (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL,
        fee bigint,
        fee_held bigint,
        net_amount bigint,
        provider text,
        provider_transaction_id text,
        provider_status text,
        skipped jsonb NOT NULL DEFAULT '[]',
        settlement_time_ms integer,
        method text,
        destination text,
        speed text,
        hold_id uuid,
        ledger_transaction_id uuid,
        idempotency_key text,
        idempotency_scope text,
        failure_code text,
        failure_message text,
        expected_arrival_earliest timestamptz,
        expected_arrival_latest timestamptz,
        next_poll_at timestamptz NOT NULL DEFAULT now(),
        poll_attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        metadata jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT provider_movements_kind_check
          CHECK (kind IN ('deposit', 'withdrawal', 'external_transfer', 'batch', 'swap')),
        CONSTRAINT provider_movements_status_check
          CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
        CONSTRAINT provider_movements_amount_check CHECK (amount > 0),
        CONSTRAINT provider_movements_fee_check CHECK (fee IS NULL OR fee >= 0),
        CONSTRAINT provider_movements_fee_held_check CHECK (fee_held IS NULL OR fee_held >= 0),
        CONSTRAINT provider_movements_provider_check
          CHECK (provider IS NULL OR provider IN ('tempo', 'circle', 'monay')),
        CONSTRAINT provider_movements_settled_check
          CHECK ((status IN ('completed', 'failed')) = (completed_at IS NOT NULL))
      )`);
    // The poller: unsettled movements due for a status check (SKIP LOCKED claims in due order).
    await queryRunner.query(
      `CREATE INDEX provider_movements_due_idx ON provider_movements (next_poll_at)
        WHERE status IN ('pending', 'processing')`,
    );
    await queryRunner.query(
      `CREATE INDEX provider_movements_unsettled_idx ON provider_movements (status, updated_at)
        WHERE status IN ('pending', 'processing')`,
    );
    // The owner's listing, newest first, per kind.
    await queryRunner.query(
      `CREATE INDEX provider_movements_owner_idx ON provider_movements (user_id, kind, created_at DESC)`,
    );
    // The client's request a movement answers (not unique: a retry after 503 makes a second movement).
    await queryRunner.query(
      `CREATE INDEX provider_movements_client_key_idx ON provider_movements (user_id, idempotency_key)
        WHERE idempotency_key IS NOT NULL`,
    );

    // Provider webhooks already handled, by the provider's notification id (Webhook-Id): a redelivery is
    // answered without doing anything again. Inserted in the same transaction as the settlement it causes.
    await queryRunner.query(`
      CREATE TABLE provider_webhook_events (
        provider text NOT NULL,
        webhook_id text NOT NULL,
        movement_id uuid,
        outcome text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, webhook_id)
      )`);

    // The user's preferred provider for routing (null: none, the router decides).
    await queryRunner.query(`
      ALTER TABLE consumer_preferences ADD COLUMN preferred_provider text
        CONSTRAINT consumer_preferences_preferred_provider_check
        CHECK (preferred_provider IS NULL OR preferred_provider IN ('tempo', 'circle', 'monay'))`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
