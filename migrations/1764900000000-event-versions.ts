import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox rows carry their event's payload version (docs/architecture.md, "Events and the outbox"): a payload change
 * is a new version, and consumers receive old rows upcast to the current one. Rows written before this column
 * are version 1.
 */
export class EventVersions1764900000000 implements MigrationInterface {
  name = 'EventVersions1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox ADD COLUMN version smallint NOT NULL DEFAULT 1`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
