import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Wallet1763800100000 implements MigrationInterface {
  name = 'Wallet1763800100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE wallets (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL UNIQUE,
        address text NOT NULL UNIQUE,
        kyc_level smallint NOT NULL DEFAULT 1 CHECK (kyc_level BETWEEN 1 AND 3),
        daily_limit bigint CHECK (daily_limit > 0),
        monthly_limit bigint CHECK (monthly_limit > 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE consumer_preferences (
        user_id uuid PRIMARY KEY,
        preferred_currency text NOT NULL DEFAULT 'USDC',
        auto_balance boolean NOT NULL DEFAULT false,
        smart_routing boolean NOT NULL DEFAULT true,
        instant_notifications boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Limit and velocity counters per wallet and period (USD cents), consumed inside transfer transactions.
    await queryRunner.query(`
      CREATE TABLE wallet_limit_usage (
        wallet_id uuid NOT NULL REFERENCES wallets (id),
        period text NOT NULL CHECK (period IN ('hour', 'day', 'month')),
        period_start timestamptz NOT NULL,
        amount_usd bigint NOT NULL DEFAULT 0 CHECK (amount_usd >= 0),
        count integer NOT NULL DEFAULT 0 CHECK (count >= 0),
        PRIMARY KEY (wallet_id, period, period_start)
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
