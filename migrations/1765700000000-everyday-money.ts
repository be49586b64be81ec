import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Everyday money (libs/transfers): contacts with their flags, the discovery setting and the daily discovery quota
 * of contact imports, payment requests and what paid them.
 */
export class EverydayMoney1765700000000 implements MigrationInterface {
  name = 'EverydayMoney1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE contacts (
        id uuid PRIMARY KEY,
        owner_user_id uuid NOT NULL,
        contact_user_id uuid NULL,
        external_address text NULL,
        ref text NOT NULL,
        nickname text NOT NULL,
        favourite boolean NOT NULL DEFAULT false,
        trusted boolean NOT NULL DEFAULT false,
        blocked boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((contact_user_id IS NULL) <> (external_address IS NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX contacts_owner_user_idx ON contacts (owner_user_id, contact_user_id)
        WHERE contact_user_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX contacts_owner_address_idx ON contacts (owner_user_id, external_address)
        WHERE external_address IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX contacts_owner_page_idx ON contacts (owner_user_id, created_at DESC, id DESC)`,
    );
    // "Who blocked this sender": looked up on every send and request.
    await queryRunner.query(
      `CREATE INDEX contacts_blocked_idx ON contacts (contact_user_id, owner_user_id) WHERE blocked`,
    );
    await queryRunner.query(`
      CREATE TABLE contact_discovery_settings (
        user_id uuid PRIMARY KEY,
        discoverable boolean NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE contact_discovery_usage (
        user_id uuid NOT NULL,
        day date NOT NULL,
        used integer NOT NULL CHECK (used >= 0),
        PRIMARY KEY (user_id, day)
      )`);
    await queryRunner.query(`
      CREATE TABLE payment_requests (
        id uuid PRIMARY KEY,
        token text NOT NULL UNIQUE,
        requester_user_id uuid NOT NULL,
        payer_user_id uuid NULL,
        payer_ref text NULL,
        currency text NOT NULL,
        amount bigint NULL CHECK (amount IS NULL OR amount > 0),
        paid_amount bigint NOT NULL DEFAULT 0 CHECK (paid_amount >= 0),
        note text NULL,
        status text NOT NULL CHECK (status IN
          ('requested', 'paid', 'partially_paid', 'declined', 'cancelled', 'expired')),
        expires_at timestamptz NOT NULL,
        last_reminded_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX payment_requests_requester_idx ON payment_requests (requester_user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX payment_requests_payer_idx ON payment_requests (payer_user_id, created_at DESC, id DESC)
        WHERE payer_user_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX payment_requests_due_idx ON payment_requests (expires_at)
        WHERE status IN ('requested', 'partially_paid')`,
    );
    await queryRunner.query(`
      CREATE TABLE payment_request_payments (
        id uuid PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES payment_requests (id),
        payer_user_id uuid NOT NULL,
        transfer_id uuid NOT NULL UNIQUE,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        paid_at timestamptz NOT NULL,
        UNIQUE (request_id, payer_user_id)
      )`);
  }

  async down(): Promise<void> {
    throw new Error('Migrations roll forward only');
  }
}
