import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The banking context (libs/banking): linked bank accounts (numbers encrypted, last four shown), bank transfers over
 * ACH and wire with their settlement schedule, the bank webhooks already handled, frozen rails; and the Dwolla-shaped
 * sandbox's own state (funding sources with their micro-deposits, transfers, the events it sends).
 */
export class Banking1765500000000 implements MigrationInterface {
  name = 'Banking1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE bank_accounts (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        source text NOT NULL CHECK (source IN ('instant', 'manual')),
        institution_name text NOT NULL,
        holder_name text NOT NULL,
        account_type text NOT NULL CHECK (account_type IN ('checking', 'savings')),
        routing_number text NOT NULL,
        account_number_sealed text NOT NULL,
        account_mask text NOT NULL,
        fingerprint text NOT NULL,
        status text NOT NULL CHECK (status IN
          ('pending_verification', 'verified', 'needs_review', 'verification_failed', 'unverified', 'removed')),
        status_reason text NULL,
        vendor_funding_source_id text NULL,
        verify_attempts integer NOT NULL DEFAULT 0,
        ownership jsonb NULL,
        micro_deposits_available_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX bank_accounts_user_fingerprint_idx ON bank_accounts (user_id, fingerprint)
        WHERE status <> 'removed'`,
    );
    await queryRunner.query(
      `CREATE INDEX bank_accounts_user_idx ON bank_accounts (user_id, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE bank_transfers (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        bank_account_id uuid NOT NULL REFERENCES bank_accounts (id),
        rail text NOT NULL CHECK (rail IN ('ach', 'wire')),
        direction text NOT NULL CHECK (direction IN ('deposit', 'withdrawal')),
        speed text NOT NULL CHECK (speed IN ('standard', 'same_day', 'wire')),
        status text NOT NULL CHECK (status IN ('pending', 'processed', 'failed', 'cancelled', 'returned')),
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        fee bigint NOT NULL CHECK (fee >= 0),
        hold_id uuid NULL,
        ledger_transaction_id uuid NULL,
        reversal_transaction_id uuid NULL,
        vendor_transfer_id text NULL,
        return_code text NULL,
        bank_account_label text NOT NULL,
        expected_settlement_at timestamptz NOT NULL,
        cancel_before timestamptz NULL,
        next_check_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        settled_at timestamptz NULL,
        closed_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX bank_transfers_user_idx ON bank_transfers (user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX bank_transfers_due_idx ON bank_transfers (next_check_at) WHERE next_check_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX bank_transfers_account_idx ON bank_transfers (bank_account_id) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX bank_transfers_vendor_idx ON bank_transfers (vendor_transfer_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE bank_rail_freezes (
        user_id uuid PRIMARY KEY,
        return_code text NOT NULL,
        bank_transfer_id uuid NOT NULL,
        frozen_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE bank_webhook_events (
        vendor text NOT NULL,
        event_id text NOT NULL,
        topic text NOT NULL,
        resource_id text NOT NULL,
        outcome text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vendor, event_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE sandbox_dwolla_funding_sources (
        id text PRIMARY KEY,
        name text NOT NULL,
        routing_number text NOT NULL,
        account_mask text NOT NULL,
        bank_account_type text NOT NULL,
        status text NOT NULL CHECK (status IN ('unverified', 'verified', 'removed')),
        micro_status text NULL CHECK (micro_status IN ('pending', 'processed', 'failed')),
        micro_amount1 integer NULL,
        micro_amount2 integer NULL,
        micro_attempts integer NOT NULL DEFAULT 0,
        micro_available_at timestamptz NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE sandbox_dwolla_transfers (
        id text PRIMARY KEY,
        idempotency_key text NOT NULL UNIQUE,
        funding_source_id text NOT NULL REFERENCES sandbox_dwolla_funding_sources (id),
        rail text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('debit', 'credit')),
        clearing text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        status text NOT NULL CHECK (status IN ('pending', 'processed', 'cancelled', 'failed')),
        failure_code text NULL,
        late_return_code text NULL,
        process_at timestamptz NOT NULL,
        return_at timestamptz NULL,
        processed_at timestamptz NULL,
        failed_at timestamptz NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX sandbox_dwolla_transfers_due_idx ON sandbox_dwolla_transfers (process_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX sandbox_dwolla_transfers_return_idx ON sandbox_dwolla_transfers (return_at)
        WHERE status = 'processed' AND return_at IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE sandbox_dwolla_events (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        topic text NOT NULL,
        resource_id text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz NULL
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
