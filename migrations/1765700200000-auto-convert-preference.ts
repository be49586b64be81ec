import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Auto-convert (wallet preferences): money arriving in another stablecoin is swapped to the preferred currency. */
export class AutoConvertPreference1765700200000 implements MigrationInterface {
  name = 'AutoConvertPreference1765700200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE consumer_preferences ADD COLUMN auto_convert boolean NOT NULL DEFAULT false`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
