import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Virtual cards (libs/cards): our cards (PAN and CVV sealed with AES-256-GCM, only the last 4 in clear), their
 * authorizations (each a ledger hold while pending), the real-time answers we gave (idempotent by the issuer's
 * request id), the lines of a card's activity, the issuer webhooks already applied, and the sandbox issuer's own
 * state (`sandbox_card_*`: what the vendor holds, never the PAN in clear).
 */
export class Cards1765600000000 implements MigrationInterface {
  name = 'Cards1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE cards (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        issuer text NOT NULL,
        issuer_card_id text NOT NULL,
        nickname text NOT NULL,
        state text NOT NULL CHECK (state IN ('OPEN', 'PAUSED', 'CLOSED')),
        state_reason text,
        last4 text NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
        exp_month smallint NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
        exp_year smallint NOT NULL,
        pan_sealed bytea NOT NULL,
        cvv_sealed bytea NOT NULL,
        funding_currency text NOT NULL,
        limit_per_authorization bigint CHECK (limit_per_authorization > 0),
        limit_daily bigint CHECK (limit_daily > 0),
        limit_monthly bigint CHECK (limit_monthly > 0),
        limit_all_time bigint CHECK (limit_all_time > 0),
        blocked_categories text[] NOT NULL DEFAULT '{}',
        replacement_for uuid REFERENCES cards (id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz,
        UNIQUE (issuer, issuer_card_id)
      )`);
    await queryRunner.query(`CREATE INDEX cards_user_idx ON cards (user_id, created_at DESC, id DESC)`);
    await queryRunner.query(`
      CREATE TABLE card_authorizations (
        id uuid PRIMARY KEY,
        card_id uuid NOT NULL REFERENCES cards (id),
        user_id uuid NOT NULL,
        issuer text NOT NULL,
        issuer_authorization_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'closed', 'reversed', 'expired', 'declined')),
        decline_code text,
        amount bigint NOT NULL CHECK (amount >= 0),
        held bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
        cleared bigint NOT NULL DEFAULT 0 CHECK (cleared >= 0),
        refunded bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0),
        receivable bigint NOT NULL DEFAULT 0 CHECK (receivable >= 0),
        funding_currency text NOT NULL,
        hold_id uuid,
        limits_usd bigint NOT NULL DEFAULT 0,
        merchant jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        UNIQUE (issuer, issuer_authorization_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX card_authorizations_usage_idx ON card_authorizations (card_id, created_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE card_authorization_requests (
        issuer text NOT NULL,
        request_id text NOT NULL,
        authorization_id uuid NOT NULL,
        approved boolean NOT NULL,
        decline_code text,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (issuer, request_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE card_transactions (
        id uuid PRIMARY KEY,
        card_id uuid NOT NULL REFERENCES cards (id),
        user_id uuid NOT NULL,
        authorization_id uuid NOT NULL REFERENCES card_authorizations (id),
        issuer_event_id text,
        type text NOT NULL CHECK (type IN ('authorization', 'increment', 'decline', 'clearing', 'reversal',
          'expiry', 'refund')),
        amount bigint NOT NULL CHECK (amount >= 0),
        currency text NOT NULL,
        decline_code text,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX card_transactions_issuer_event_idx ON card_transactions (issuer_event_id)
       WHERE issuer_event_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX card_transactions_card_idx ON card_transactions (card_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE card_webhook_events (
        issuer text NOT NULL,
        webhook_id text NOT NULL,
        type text NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (issuer, webhook_id)
      )`);
    // Every reveal of a card's PAN and CVV (the rate limit counts them; identity's audit log records them too).
    await queryRunner.query(`
      CREATE TABLE card_reveals (
        id bigserial PRIMARY KEY,
        card_id uuid NOT NULL REFERENCES cards (id),
        user_id uuid NOT NULL,
        revealed_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX card_reveals_user_idx ON card_reveals (user_id, revealed_at)`);
    // The sandbox issuer's side: cards (a hash of the PAN, never the PAN), authorizations and their events.
    await queryRunner.query(`
      CREATE TABLE sandbox_card_cards (
        id text PRIMARY KEY,
        pan_sha256 text NOT NULL,
        last4 text NOT NULL,
        exp_month smallint NOT NULL,
        exp_year smallint NOT NULL,
        state text NOT NULL,
        reason text,
        replacement_for text,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE sandbox_card_authorizations (
        id text PRIMARY KEY,
        card_id text NOT NULL REFERENCES sandbox_card_cards (id),
        status text NOT NULL,
        amount bigint NOT NULL,
        cleared bigint NOT NULL DEFAULT 0,
        refunded bigint NOT NULL DEFAULT 0,
        currency text NOT NULL,
        merchant jsonb NOT NULL,
        decline_code text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX sandbox_card_authorizations_due_idx ON sandbox_card_authorizations (expires_at)
       WHERE status = 'pending'`,
    );
    await queryRunner.query(`
      CREATE TABLE sandbox_card_events (
        seq bigserial PRIMARY KEY,
        id text NOT NULL UNIQUE,
        authorization_id text NOT NULL REFERENCES sandbox_card_authorizations (id),
        type text NOT NULL,
        amount bigint NOT NULL,
        final boolean NOT NULL DEFAULT true,
        body text NOT NULL,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
