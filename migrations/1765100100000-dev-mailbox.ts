import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The development mailbox (libs/shared/src/dev/dev-mailbox.ts): what would have been sent by email or SMS, readable
 * over `GET /api/dev/mailbox` outside production. Production never writes to it.
 */
export class DevMailbox1765100100000 implements MigrationInterface {
  name = 'DevMailbox1765100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dev_mailbox (
        id bigserial PRIMARY KEY,
        channel text NOT NULL CHECK (channel IN ('email', 'sms')),
        to_address text NOT NULL,
        subject text NULL,
        text text NOT NULL,
        html text NULL,
        meta jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX dev_mailbox_to_idx ON dev_mailbox (to_address, id DESC)`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
