import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash chain over the ledger journal (libs/ledger/src/domain/ledger-seal.ts): one row per sealed block of
 * ledger transactions, in order. Append-only, like the journal it seals.
 */
export class LedgerSeals1763802150000 implements MigrationInterface {
  name = 'LedgerSeals1763802150000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Block n seals the transactions whose first entry id is in (last_entry_id of block n-1, last_entry_id].
    // transaction_ids and transaction_digests (a prefix of each transaction's sha256) let a check name the
    // transaction that changed or appeared; hash chains the block to previous_hash.
    await queryRunner.query(`
      CREATE TABLE ledger_seals (
        block bigint PRIMARY KEY CHECK (block >= 1),
        first_transaction_id uuid NOT NULL,
        last_transaction_id uuid NOT NULL,
        first_entry_id bigint NOT NULL,
        last_entry_id bigint NOT NULL,
        transaction_count integer NOT NULL CHECK (transaction_count >= 1),
        transaction_ids uuid[] NOT NULL,
        transaction_digests text[] NOT NULL,
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        previous_hash text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
        sealed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT ledger_seals_range CHECK (first_entry_id <= last_entry_id),
        CONSTRAINT ledger_seals_members CHECK (
          cardinality(transaction_ids) = transaction_count AND cardinality(transaction_digests) = transaction_count)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX ledger_seals_last_entry_key ON ledger_seals (last_entry_id)`,
    );

    await queryRunner.query(`
      CREATE FUNCTION ledger_seals_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger_seals is append-only: sealed blocks are never updated or deleted (% refused)', TG_OP
          USING ERRCODE = 'restrict_violation';
      END;
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER ledger_seals_no_update_or_delete BEFORE UPDATE OR DELETE ON ledger_seals
        FOR EACH ROW EXECUTE FUNCTION ledger_seals_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER ledger_seals_no_truncate BEFORE TRUNCATE ON ledger_seals
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_seals_append_only()`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
