import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider wallets (ours) and the sandbox providers' own vendor-side state. */
export class Providers1763800600000 implements MigrationInterface {
  name = 'Providers1763800600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Our users' wallets at the providers (Tempo primary, Circle backup), opened by a job after onboarding.
    await queryRunner.query(`
      CREATE TABLE provider_wallets (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        provider text NOT NULL,
        address text NOT NULL,
        provider_wallet_id text NOT NULL,
        is_primary boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT provider_wallets_user_provider_key UNIQUE (user_id, provider)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX provider_wallets_one_primary_idx ON provider_wallets (user_id) WHERE is_primary`,
    );

    // Everything below is the sandbox providers' side: "another company" whose state survives our restarts
    // and is the same for every process (API replicas, worker). No other code reads these tables.
    //
    // How each provider behaves now. `config_mode` is the start mode last applied from configuration: a process
    // starting with a different PROVIDER_MODE_<NAME> applies it; one starting with the same keeps whatever an
    // admin set at run time (so restarting a replica does not undo it).
    await queryRunner.query(`
      CREATE TABLE sandbox_provider_settings (
        provider text PRIMARY KEY,
        mode text NOT NULL CHECK (mode IN ('healthy', 'degraded', 'outage', 'timeout')),
        config_mode text NOT NULL,
        failure_rate double precision NOT NULL DEFAULT 0 CHECK (failure_rate BETWEEN 0 AND 1),
        added_latency_ms integer NOT NULL DEFAULT 0 CHECK (added_latency_ms >= 0),
        fail_after_accept_rate double precision NOT NULL DEFAULT 0
          CHECK (fail_after_accept_rate BETWEEN 0 AND 1),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    // One row per provider transaction, found again by the caller's idempotency key. `wire` is the vendor's
    // own representation (Tempo base units and tx hashes, Circle decimal strings); the numeric columns are the
    // vendor's internal ledger, in minor units. `outcome` is decided at acceptance; `stage`, `status`,
    // `provider_status` and `settled_at` follow the clock (computed when read, written back, never backwards).
    await queryRunner.query(`
      CREATE TABLE sandbox_provider_transactions (
        id uuid PRIMARY KEY,
        provider text NOT NULL,
        idempotency_key text NOT NULL,
        provider_transaction_id text NOT NULL,
        operation text NOT NULL,
        request_hash text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        fee bigint NOT NULL CHECK (fee >= 0),
        swap_out_currency text,
        swap_out_amount bigint,
        wire jsonb NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('completed', 'failed')),
        failure_reason text,
        stage integer NOT NULL DEFAULT 0,
        status text NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
        provider_status text NOT NULL,
        created_at timestamptz NOT NULL,
        settles_at timestamptz NOT NULL,
        settled_at timestamptz,
        webhook_id uuid NOT NULL,
        notified_at timestamptz,
        CONSTRAINT sandbox_provider_transactions_key UNIQUE (provider, idempotency_key),
        CONSTRAINT sandbox_provider_transactions_vendor_id_key UNIQUE (provider, provider_transaction_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX sandbox_provider_transactions_completed_idx
         ON sandbox_provider_transactions (provider, currency) WHERE status = 'completed'`,
    );
    await queryRunner.query(
      `CREATE INDEX sandbox_provider_transactions_pending_idx
         ON sandbox_provider_transactions (provider, settles_at) WHERE status = 'pending'`,
    );

    await queryRunner.query(`
      CREATE TABLE sandbox_provider_wallets (
        id uuid PRIMARY KEY,
        provider text NOT NULL,
        idempotency_key text NOT NULL,
        user_ref text NOT NULL,
        wallet_id text NOT NULL,
        address text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sandbox_provider_wallets_key UNIQUE (provider, idempotency_key),
        CONSTRAINT sandbox_provider_wallets_address_key UNIQUE (provider, address)
      )`);

    // A swap quote holds its rate until `expires_at` and is executed at most once (`executed_key`).
    await queryRunner.query(`
      CREATE TABLE sandbox_swap_quotes (
        id text PRIMARY KEY,
        provider text NOT NULL,
        from_currency text NOT NULL,
        to_currency text NOT NULL,
        amount_in bigint NOT NULL CHECK (amount_in > 0),
        rate text NOT NULL,
        fee bigint NOT NULL CHECK (fee >= 0),
        amount_out bigint NOT NULL CHECK (amount_out >= 0),
        expires_at timestamptz NOT NULL,
        executed_key text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
