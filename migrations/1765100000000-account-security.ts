import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account security (libs/identity): verified phones, sessions as devices (label, last use), one-time verification
 * codes (email, phone, password reset, step-up), TOTP enrolments (secrets encrypted at rest) with their recovery
 * codes, sign-in challenges for a second factor, and the append-only audit log.
 */
export class AccountSecurity1765100000000 implements MigrationInterface {
  name = 'AccountSecurity1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN phone_verified_at timestamptz NULL`);
    await queryRunner.query(`ALTER TABLE users ADD COLUMN password_changed_at timestamptz NULL`);

    await queryRunner.query(`ALTER TABLE auth_sessions ADD COLUMN device_label text NULL`);
    await queryRunner.query(`ALTER TABLE auth_sessions ADD COLUMN last_used_at timestamptz NULL`);
    await queryRunner.query(
      `CREATE INDEX auth_sessions_user_device_idx ON auth_sessions (user_id, device_label)`,
    );

    // A code is stored as an HMAC, never in clear. `user_id` is NULL for a password reset asked for an email no
    // account has: the same row is written either way, so the answer and the work say nothing about the email.
    await queryRunner.query(`
      CREATE TABLE verification_codes (
        id uuid PRIMARY KEY,
        user_id uuid NULL,
        purpose text NOT NULL
          CHECK (purpose IN ('email_verification', 'phone_verification', 'password_reset', 'step_up')),
        channel text NOT NULL CHECK (channel IN ('email', 'sms')),
        destination text NOT NULL,
        code_hash text NOT NULL,
        link_token_hash text NULL,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        max_attempts integer NOT NULL CHECK (max_attempts > 0),
        expires_at timestamptz NOT NULL,
        consumed_at timestamptz NULL,
        outcome text NULL CHECK (outcome IN ('used', 'superseded', 'locked')),
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX verification_codes_open_idx ON verification_codes (user_id, purpose, created_at DESC)
        WHERE consumed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX verification_codes_destination_idx ON verification_codes (purpose, destination, created_at DESC)
        WHERE consumed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX verification_codes_link_idx ON verification_codes (link_token_hash)
        WHERE link_token_hash IS NOT NULL`,
    );

    // One authenticator per user: `enabled_at` NULL while the enrolment awaits its first code. The secret is
    // AES-256-GCM ciphertext (TOTP_ENCRYPTION_KEY); `last_used_step` is the last accepted RFC 6238 time step,
    // so a code is accepted once.
    await queryRunner.query(`
      CREATE TABLE user_totp (
        user_id uuid PRIMARY KEY REFERENCES users (id),
        secret_ciphertext text NOT NULL,
        enabled_at timestamptz NULL,
        last_used_step bigint NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE recovery_codes (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        code_hash text NOT NULL,
        used_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT recovery_codes_user_code_key UNIQUE (user_id, code_hash)
      )`);

    // A sign-in that passed the password and waits for the second factor; the token is stored as an HMAC.
    await queryRunner.query(`
      CREATE TABLE mfa_challenges (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES users (id),
        token_hash text NOT NULL,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        expires_at timestamptz NOT NULL,
        completed_at timestamptz NULL,
        ip text NULL,
        user_agent text NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT mfa_challenges_token_hash_key UNIQUE (token_hash)
      )`);
    await queryRunner.query(`CREATE INDEX mfa_challenges_expires_idx ON mfa_challenges (expires_at)`);

    // Every security-relevant action: sign-ins and their failures, 2FA changes, step-ups, role changes, admin
    // actions. Append-only, as the ledger's entries: a trigger refuses UPDATE, DELETE and TRUNCATE.
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL,
        request_id text NULL,
        ip text NULL,
        user_agent text NULL,
        actor_user_id uuid NULL,
        subject_user_id uuid NULL,
        action text NOT NULL,
        target text NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject_user_id, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_user_id, id DESC)`);
    await queryRunner.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC)`);
    await queryRunner.query(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: entries are never updated or deleted (% refused)', TG_OP
          USING ERRCODE = 'restrict_violation';
      END;
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
