import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The KYC context (libs/kyc): our verification inquiries (one open per user and target tier), the documents'
 * metadata (the files are encrypted in object storage), the vendor webhooks already handled (by event id), the
 * audit record of every tier change; and the sandbox vendor's own state (inquiries and the events it sends).
 */
export class Kyc1765400000000 implements MigrationInterface {
  name = 'Kyc1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE kyc_inquiries (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        target_tier smallint NOT NULL CHECK (target_tier IN (2, 3)),
        vendor text NOT NULL,
        vendor_inquiry_id text NULL,
        status text NOT NULL CHECK (status IN
          ('created', 'pending', 'completed', 'failed', 'expired', 'needs_review', 'approved', 'declined')),
        reasons jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        expires_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX kyc_inquiries_open_idx ON kyc_inquiries (user_id, target_tier)
        WHERE status IN ('created', 'pending', 'completed', 'needs_review')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX kyc_inquiries_vendor_idx ON kyc_inquiries (vendor, vendor_inquiry_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX kyc_inquiries_user_idx ON kyc_inquiries (user_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX kyc_inquiries_status_idx ON kyc_inquiries (status, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE kyc_documents (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        inquiry_id uuid NOT NULL REFERENCES kyc_inquiries (id),
        type text NOT NULL,
        side text NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes >= 0),
        storage_key text NOT NULL,
        status text NOT NULL,
        vendor_document_id text NULL,
        uploaded_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX kyc_documents_inquiry_idx ON kyc_documents (inquiry_id, uploaded_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE kyc_webhook_events (
        vendor text NOT NULL,
        event_id text NOT NULL,
        name text NOT NULL,
        vendor_inquiry_id text NOT NULL,
        outcome text NOT NULL,
        payload jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (vendor, event_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE kyc_tier_changes (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        from_level smallint NOT NULL,
        to_level smallint NOT NULL,
        reason text NOT NULL,
        inquiry_id uuid NULL,
        actor_user_id uuid NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX kyc_tier_changes_user_idx ON kyc_tier_changes (user_id, id)`);
    await queryRunner.query(`
      CREATE TABLE sandbox_kyc_inquiries (
        id text PRIMARY KEY,
        reference_id text NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        target_tier smallint NOT NULL,
        status text NOT NULL,
        fields jsonb NOT NULL,
        documents jsonb NOT NULL DEFAULT '[]',
        reasons jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        decide_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX sandbox_kyc_inquiries_due_idx ON sandbox_kyc_inquiries (status, expires_at, decide_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE sandbox_kyc_events (
        seq bigserial UNIQUE,
        id text PRIMARY KEY,
        inquiry_id text NOT NULL,
        name text NOT NULL,
        body text NOT NULL,
        created_at timestamptz NOT NULL,
        delivered_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX sandbox_kyc_events_inquiry_idx ON sandbox_kyc_events (inquiry_id, seq)`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
