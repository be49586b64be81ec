import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Money movements through providers (deposits, withdrawals, external transfers, batches) and provider webhooks. */
export class ProviderMovements1763800700000 implements MigrationInterface {
  name = 'ProviderMovements1763800700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    void queryRunner;
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
