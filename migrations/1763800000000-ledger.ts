import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The double-entry ledger (DESIGN.md, Ledger): accounts with cached balances, transactions (posted
 * journal transactions and two-phase holds) and append-only signed entries. Runs on PostgreSQL 15+ and PGlite.
 */
export class Ledger1763800000000 implements MigrationInterface {
  name = 'Ledger1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // `posted` and `pending_debits` are cached only for user accounts (owner_id set, never negative).
    // System accounts may go negative and are never updated per transfer (hot rows): their balance is
    // derived from their entries, so their `posted` stays 0; `pending_debits` counts holds placed on them.
    await queryRunner.query(`
      CREATE TABLE ledger_accounts (
        id uuid PRIMARY KEY,
        owner_id uuid,
        currency text NOT NULL CHECK (currency ~ '^[A-Z][A-Z0-9]{1,11}$'),
        kind text NOT NULL CHECK (kind IN ('user_wallet', 'provider_clearing', 'fees', 'rewards_pool',
                                           'swap_pool', 'suspense', 'world')),
        qualifier text NOT NULL DEFAULT '',
        allow_negative boolean NOT NULL,
        posted bigint NOT NULL DEFAULT 0,
        pending_debits bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_accounts_pending_debits_nonnegative CHECK (pending_debits >= 0),
        CONSTRAINT ledger_accounts_available_nonnegative CHECK (allow_negative OR posted - pending_debits >= 0),
        CONSTRAINT ledger_accounts_owner_matches_kind CHECK ((owner_id IS NOT NULL) = (kind = 'user_wallet')),
        CONSTRAINT ledger_accounts_system_accounts_allow_negative CHECK (allow_negative = (owner_id IS NULL)),
        CONSTRAINT ledger_accounts_owner_currency_kind_key UNIQUE (owner_id, currency, kind)
      )`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX ledger_accounts_system_key
        ON ledger_accounts (kind, currency, qualifier) WHERE owner_id IS NULL`);

    // A posted journal transaction, or a hold (hold_* set): 'pending' until posted, voided or expired.
    await queryRunner.query(`
      CREATE TABLE ledger_transactions (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.]*$'),
        status text NOT NULL CHECK (status IN ('posted', 'pending', 'voided', 'expired')),
        reference text,
        metadata jsonb NOT NULL DEFAULT '{}',
        hold_account_id uuid REFERENCES ledger_accounts (id),
        hold_counter_account_id uuid REFERENCES ledger_accounts (id),
        hold_currency text,
        hold_amount bigint,
        posted_amount bigint,
        expires_at timestamptz,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_transactions_hold_complete CHECK (
          (hold_account_id IS NULL AND hold_counter_account_id IS NULL AND hold_currency IS NULL
             AND hold_amount IS NULL AND posted_amount IS NULL AND expires_at IS NULL)
          OR (hold_account_id IS NOT NULL AND hold_counter_account_id IS NOT NULL AND hold_currency IS NOT NULL
             AND hold_amount > 0)),
        CONSTRAINT ledger_transactions_only_holds_pend CHECK (status = 'posted' OR hold_account_id IS NOT NULL),
        CONSTRAINT ledger_transactions_posted_within_held CHECK (
          posted_amount IS NULL OR (status = 'posted' AND posted_amount > 0 AND posted_amount <= hold_amount))
      )`);
    await queryRunner.query(`
      CREATE INDEX ledger_transactions_pending_expiry_idx
        ON ledger_transactions (status, expires_at) WHERE status = 'pending' AND expires_at IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX ledger_transactions_reference_idx ON ledger_transactions (reference) WHERE reference IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX ledger_transactions_pending_account_idx
        ON ledger_transactions (hold_account_id) WHERE status = 'pending'`);

    // Signed amounts: negative = debit (money leaves the account), positive = credit.
    await queryRunner.query(`
      CREATE TABLE ledger_entries (
        id bigserial PRIMARY KEY,
        transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
        account_id uuid NOT NULL REFERENCES ledger_accounts (id),
        currency text NOT NULL,
        amount bigint NOT NULL CONSTRAINT ledger_entries_amount_nonzero CHECK (amount <> 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX ledger_entries_account_idx ON ledger_entries (account_id)`);
    await queryRunner.query(`CREATE INDEX ledger_entries_transaction_idx ON ledger_entries (transaction_id)`);

    await queryRunner.query(`
      CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_entries is append-only: entries are never updated or deleted (% refused); post a reversing transaction instead', TG_OP
          USING ERRCODE = 'restrict_violation';
      END;
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER ledger_entries_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_entries
        FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON ledger_entries
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_entries_append_only()`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
