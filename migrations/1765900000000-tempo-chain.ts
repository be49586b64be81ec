import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tempo on chain (libs/providers/src/chain, on-chain mode only; the tables stay empty with the sandbox).
 * `tempo_chain_transactions`: every transaction we sign, one per idempotency key (a movement id), written with its
 * nonce, hash and signed bytes BEFORE it is broadcast, so that a transaction sent but not yet mined is found again
 * and only ever re-sent as the same bytes (same nonce), never signed anew. `tempo_deposit_addresses`: the HD index
 * of each user's deposit address. `tempo_chain_deposits`: each credited Transfer log, once per (tx hash, log
 * index). `tempo_chain_cursors`: where the deposit watcher has read to. `tempo_chain_floats`: the hot wallet's
 * opening float, booked once in the ledger.
 */
export class TempoChain1765900000000 implements MigrationInterface {
  name = 'TempoChain1765900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tempo_chain_transactions (
        idempotency_key text PRIMARY KEY,
        operation text NOT NULL,
        sender text NOT NULL,
        nonce bigint NOT NULL,
        tx_hash text NOT NULL UNIQUE,
        raw_tx text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL,
        legs jsonb NOT NULL,
        memo text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
        block_number bigint NULL,
        broadcasts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        settled_at timestamptz NULL,
        UNIQUE (sender, nonce)
      )`);
    await queryRunner.query(`
      CREATE TABLE tempo_deposit_addresses (
        user_id text PRIMARY KEY,
        address_index serial UNIQUE,
        address text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE tempo_chain_deposits (
        tx_hash text NOT NULL,
        log_index integer NOT NULL,
        movement_id uuid NOT NULL UNIQUE,
        user_id text NOT NULL,
        address text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        block_number bigint NOT NULL,
        block_hash text NOT NULL,
        orphaned_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (tx_hash, log_index)
      )`);
    await queryRunner.query(`
      CREATE TABLE tempo_chain_cursors (
        name text PRIMARY KEY,
        block bigint NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE tempo_chain_floats (
        currency text PRIMARY KEY,
        amount bigint NOT NULL,
        block bigint NOT NULL,
        ledger_transaction_id uuid NULL,
        created_at timestamptz NOT NULL
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
