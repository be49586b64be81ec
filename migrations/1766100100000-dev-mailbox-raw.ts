import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The embedded SMTP server keeps each message as it arrived (`raw`, RFC 5322 bytes) and the dev mailbox decodes it
 * when someone reads it: parsing every message on arrival was a third of the cost of an email in the bench, and
 * almost none is ever read. Rows written before keep their decoded columns and no `raw`.
 */
export class DevMailboxRaw1766100100000 implements MigrationInterface {
  name = 'DevMailboxRaw1766100100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE dev_mailbox ADD COLUMN raw bytea NULL`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
