import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rewards context (libs/rewards). Points are ledger money (currency `PTS`, scale 0): these tables say why each
 * point moved. `reward_earns` are the lots (one per rule and source event; pending while their ledger hold waits
 * for the lock period, then available until they are spent first-in first-out or expire); `reward_accounts` keeps
 * each member's level, lifetime points, points debt (a clawback larger than the balance), streak and referral
 * code; `reward_activity` is the points history; the catalog, redemptions, achievements, counters and referrals
 * are the rest of the programme.
 */
export class Rewards1765800000000 implements MigrationInterface {
  name = 'Rewards1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reward_accounts (
        user_id uuid PRIMARY KEY,
        lifetime_points bigint NOT NULL DEFAULT 0 CHECK (lifetime_points >= 0),
        debt bigint NOT NULL DEFAULT 0 CHECK (debt >= 0),
        level text NOT NULL DEFAULT 'bronze' CHECK (level IN ('bronze', 'silver', 'gold', 'platinum')),
        time_zone text NOT NULL DEFAULT 'UTC',
        streak_weeks integer NOT NULL DEFAULT 0,
        streak_last_week text NULL,
        referral_code text NULL UNIQUE,
        code_ip text NULL,
        code_device text NULL,
        code_seen_at timestamptz NULL,
        first_deposit_at timestamptz NULL,
        verified_at timestamptz NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE reward_earns (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        rule_id text NOT NULL,
        source_key text NOT NULL,
        source_event_id uuid NULL,
        source_ref text NULL,
        reason text NOT NULL,
        points bigint NOT NULL CHECK (points > 0),
        remaining bigint NOT NULL CHECK (remaining >= 0),
        clawed bigint NOT NULL DEFAULT 0 CHECK (clawed >= 0 AND clawed <= points),
        status text NOT NULL CHECK (status IN ('pending', 'available', 'cancelled', 'clawed_back', 'spent', 'expired')),
        hold_id uuid NULL,
        available_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        expiry_notified_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT reward_earns_rule_source_key UNIQUE (rule_id, source_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX reward_earns_user_idx ON reward_earns (user_id, status, expires_at, created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX reward_earns_pending_idx ON reward_earns (available_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX reward_earns_expiring_idx ON reward_earns (expires_at) WHERE status = 'available'`,
    );
    await queryRunner.query(
      `CREATE INDEX reward_earns_source_ref_idx ON reward_earns (source_ref) WHERE source_ref IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE reward_activity (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('earned', 'vested', 'redeemed', 'expired', 'clawed_back', 'cancelled',
          'written_off', 'debt_repaid')),
        points bigint NOT NULL,
        reason text NOT NULL,
        reference text NULL,
        ledger_transaction_id uuid NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX reward_activity_user_idx ON reward_activity (user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE reward_catalog_items (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('cashback', 'gift_card')),
        name text NOT NULL,
        description text NOT NULL,
        cost bigint NOT NULL CHECK (cost > 0),
        cashback_currency text NULL,
        cashback_amount bigint NULL,
        partner text NULL,
        stock integer NULL CHECK (stock IS NULL OR stock >= 0),
        min_level text NOT NULL DEFAULT 'bronze',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO reward_catalog_items
        (id, kind, name, description, cost, cashback_currency, cashback_amount, partner, stock, min_level) VALUES
        ('cashback-5-usdc', 'cashback', '5 USDC cashback', '500 points for 5.00 USDC in your wallet (more at Gold and Platinum)',
          500, 'USDC', 5000000, NULL, NULL, 'bronze'),
        ('cashback-25-usdc', 'cashback', '25 USDC cashback', '2,500 points for 25.00 USDC in your wallet (more at Gold and Platinum)',
          2500, 'USDC', 25000000, NULL, NULL, 'bronze'),
        ('gift-coffee-10', 'gift_card', 'Coffee gift card 10 USD', 'A 10 USD e-gift card from our coffee partner',
          1100, NULL, NULL, 'sandbox-coffee', 50, 'bronze'),
        ('gift-books-25', 'gift_card', 'Bookshop gift card 25 USD', 'A 25 USD e-gift card from our bookshop partner',
          2700, NULL, NULL, 'sandbox-books', 20, 'silver'),
        ('gift-travel-100', 'gift_card', 'Travel voucher 100 USD', 'A 100 USD travel voucher, for Gold members and above',
          10000, NULL, NULL, 'sandbox-travel', 5, 'gold')`);
    await queryRunner.query(`
      CREATE TABLE reward_redemptions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        item_id text NOT NULL REFERENCES reward_catalog_items (id),
        quantity integer NOT NULL CHECK (quantity > 0),
        points bigint NOT NULL CHECK (points > 0),
        cashback_currency text NULL,
        cashback_amount bigint NULL,
        gift_codes jsonb NOT NULL DEFAULT '[]',
        ledger_transaction_id uuid NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX reward_redemptions_user_idx ON reward_redemptions (user_id, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE TABLE reward_achievements (
        user_id uuid NOT NULL,
        achievement_id text NOT NULL,
        unlocked_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, achievement_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE reward_counters (
        user_id uuid NOT NULL,
        counter text NOT NULL,
        value bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, counter)
      )`);
    await queryRunner.query(`
      CREATE TABLE reward_recipients (
        user_id uuid NOT NULL,
        recipient_id uuid NOT NULL,
        last_paid_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, recipient_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE reward_referrals (
        id uuid PRIMARY KEY,
        referrer_id uuid NOT NULL,
        referred_id uuid NOT NULL UNIQUE,
        code text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
        reason text NULL,
        flagged boolean NOT NULL DEFAULT false,
        signals jsonb NOT NULL DEFAULT '{}',
        qualifying_deposit_id text NULL,
        qualifying_amount_usd text NULL,
        qualifies_at timestamptz NULL,
        created_at timestamptz NOT NULL,
        decided_at timestamptz NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX reward_referrals_referrer_idx ON reward_referrals (referrer_id, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX reward_referrals_due_idx ON reward_referrals (qualifies_at) WHERE status = 'pending'`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
