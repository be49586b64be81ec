import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Paying someone who has not signed up yet (libs/transfers): the claimable hold on the sender's funds, to an email
 * or phone, claimed once by the user who verifies it within the window, or voided (expired, cancelled).
 */
export class P2pInvites1765700100000 implements MigrationInterface {
  name = 'P2pInvites1765700100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE p2p_invites (
        id uuid PRIMARY KEY,
        sender_user_id uuid NOT NULL,
        recipient_kind text NOT NULL CHECK (recipient_kind IN ('email', 'phone')),
        recipient_value text NOT NULL,
        recipient_ref text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        fee bigint NOT NULL CHECK (fee >= 0),
        usd_value bigint NOT NULL CHECK (usd_value >= 0),
        note text NULL,
        hold_id uuid NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'claimed', 'expired', 'cancelled')),
        claimed_by_user_id uuid NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX p2p_invites_pending_idx ON p2p_invites (recipient_kind, recipient_value) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX p2p_invites_due_idx ON p2p_invites (expires_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX p2p_invites_sender_idx ON p2p_invites (sender_user_id, created_at DESC)`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
