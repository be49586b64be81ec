import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deposits count against the KYC tier's limits, on counters of their own (`deposit_day`, `deposit_month`) beside
 * money out's (`hour`, `day`, `month`). The period CHECK is widened (a superset of the old one: additive).
 */
export class DepositLimitUsage1763802200000 implements MigrationInterface {
  name = 'DepositLimitUsage1763802200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE wallet_limit_usage DROP CONSTRAINT wallet_limit_usage_period_check`);
    await queryRunner.query(
      `ALTER TABLE wallet_limit_usage ADD CONSTRAINT wallet_limit_usage_period_check
        CHECK (period IN ('hour', 'day', 'month', 'deposit_day', 'deposit_month'))`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
