import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The user's IANA time zone, a wallet preference: analytics counts the user's days in it. */
export class PreferencesTimezone1765000000000 implements MigrationInterface {
  name = 'PreferencesTimezone1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE consumer_preferences ADD COLUMN timezone text NOT NULL DEFAULT 'UTC'`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
