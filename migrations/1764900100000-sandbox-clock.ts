import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sandbox clock's offset (architecture.md, "Jobs and time"): how far an admin has moved the application's clock
 * ahead of the real one, outside production. One row; every process reads it.
 */
export class SandboxClock1764900100000 implements MigrationInterface {
  name = 'SandboxClock1764900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sandbox_clock (
        id smallint PRIMARY KEY CHECK (id = 1),
        offset_ms bigint NOT NULL DEFAULT 0 CHECK (offset_ms >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
