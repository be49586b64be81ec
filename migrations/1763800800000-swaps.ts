import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Swap quotes and swaps. */
export class Swaps1763800800000 implements MigrationInterface {
  name = 'Swaps1763800800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    void queryRunner;
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
