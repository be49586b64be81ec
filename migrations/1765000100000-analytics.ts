import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Spending analytics (libs/insights/src/analytics). Projection state, rebuilt from the journal by
 * `npm run projections:rebuild`: analytics_users, analytics_movements, analytics_daily, analytics_weekly,
 * analytics_monthly, analytics_payees. User data, kept across rebuilds and applied by them: analytics_rules, analytics_corrections.
 * Reference data, fixed once written: reference_prices.
 */
export class Analytics1765000100000 implements MigrationInterface {
  name = 'Analytics1765000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The USD price of each currency on each (UTC) day, a decimal string. A day's price is written once (the
    // configured price, the first time a movement of that day needs it, or a price feed ahead of time) and never
    // changes, so that a movement is valued at the price of its day now, later and after a rebuild.
    await queryRunner.query(`
      CREATE TABLE reference_prices (
        currency text NOT NULL,
        day date NOT NULL,
        price text NOT NULL CHECK (price ~ '^(0|[1-9][0-9]*)(\\.[0-9]+)?$'),
        source text NOT NULL CHECK (source IN ('configuration', 'feed')),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (currency, day)
      )`);

    // Each user's time zone as analytics knows it (from TimeZoneChanged); also the row every writer of the
    // user's analytics locks first (projection: FOR SHARE; rules, corrections, a zone change: FOR UPDATE).
    await queryRunner.query(`
      CREATE TABLE analytics_users (
        user_id uuid PRIMARY KEY,
        timezone text NOT NULL DEFAULT 'UTC'
      )`);

    // One row per line of history (and per fee charged outside a line, such as a batch's), with its
    // classification and its USD value at the price of its day. Amounts in minor units of `currency`; USD in cents.
    await queryRunner.query(`
      CREATE TABLE analytics_movements (
        line_id text PRIMARY KEY,
        user_id uuid NOT NULL,
        reference_id text NOT NULL,
        batch_id uuid,
        type text NOT NULL,
        kind text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        status text NOT NULL,
        occurred_at timestamptz NOT NULL,
        local_day date NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        fee bigint NOT NULL CHECK (fee >= 0),
        fee_mode text NOT NULL CHECK (fee_mode IN ('on_top', 'withheld', 'inside')),
        usd_rate text NOT NULL,
        usd_amount bigint NOT NULL,
        usd_fee bigint NOT NULL,
        counterparty text,
        merchant_name text,
        note text,
        excluded boolean NOT NULL,
        auto_category text NOT NULL,
        auto_sub_category text NOT NULL,
        auto_confidence text NOT NULL,
        category text NOT NULL,
        sub_category text NOT NULL,
        confidence text NOT NULL,
        category_source text NOT NULL CHECK (category_source IN ('auto', 'rule', 'user')),
        rule_id uuid
      )`);
    await queryRunner.query(
      `CREATE INDEX analytics_movements_user_day_idx ON analytics_movements (user_id, local_day, occurred_at, line_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX analytics_movements_user_reference_idx ON analytics_movements (user_id, reference_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX analytics_movements_rule_idx ON analytics_movements (rule_id) WHERE rule_id IS NOT NULL`,
    );

    // The daily rollup every analytics query answers from: completed movements summed per local day and
    // dimension ('' for no merchant / no counterparty). Weeks and months are derived from it at query time.
    await queryRunner.query(`
      CREATE TABLE analytics_daily (
        user_id uuid NOT NULL,
        day date NOT NULL,
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        excluded boolean NOT NULL,
        category text NOT NULL,
        sub_category text NOT NULL,
        merchant text NOT NULL,
        counterparty text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL,
        usd_amount bigint NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (user_id, day, direction, excluded, category, sub_category, merchant, counterparty, currency)
      )`);

    // The same per ISO week (its Monday names it) and per month: a range is read from its whole months, then the
    // whole weeks of what is left, then the remaining days (each holds far fewer rows than the days it covers).
    await queryRunner.query(`
      CREATE TABLE analytics_weekly (
        user_id uuid NOT NULL,
        week date NOT NULL CHECK (extract(isodow FROM week) = 1),
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        excluded boolean NOT NULL,
        category text NOT NULL,
        sub_category text NOT NULL,
        merchant text NOT NULL,
        counterparty text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL,
        usd_amount bigint NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (user_id, week, direction, excluded, category, sub_category, merchant, counterparty, currency)
      )`);
    await queryRunner.query(`
      CREATE TABLE analytics_monthly (
        user_id uuid NOT NULL,
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        direction text NOT NULL CHECK (direction IN ('in', 'out')),
        excluded boolean NOT NULL,
        category text NOT NULL,
        sub_category text NOT NULL,
        merchant text NOT NULL,
        counterparty text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL,
        usd_amount bigint NOT NULL,
        count integer NOT NULL,
        PRIMARY KEY (user_id, month, direction, excluded, category, sub_category, merchant, counterparty, currency)
      )`);

    // Payments to the same payee of the same amount, with their latest times: recurring payments are found
    // among those paid at least three times.
    await queryRunner.query(`
      CREATE TABLE analytics_payees (
        user_id uuid NOT NULL,
        payee_kind text NOT NULL CHECK (payee_kind IN ('merchant', 'counterparty')),
        payee text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL,
        occurrences integer NOT NULL,
        last_at timestamptz NOT NULL,
        recent timestamptz[] NOT NULL,
        PRIMARY KEY (user_id, payee_kind, payee, currency, amount)
      )`);
    await queryRunner.query(
      `CREATE INDEX analytics_payees_repeated_idx ON analytics_payees (user_id, last_at) WHERE occurrences >= 3`,
    );

    // A user's categorisation rules: the newest matching rule categorises a movement that occurred after the
    // rule was created, or any movement once the rule has been applied to the past (applied_at).
    await queryRunner.query(`
      CREATE TABLE analytics_rules (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        match_merchant text,
        match_counterparty text,
        match_note text,
        category text NOT NULL,
        sub_category text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        applied_at timestamptz,
        deleted_at timestamptz,
        CONSTRAINT analytics_rules_match_check
          CHECK (match_merchant IS NOT NULL OR match_counterparty IS NOT NULL OR match_note IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX analytics_rules_user_idx ON analytics_rules (user_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
    );

    // A user's category for one movement (by the id history lists): it wins over rules and the classifier.
    await queryRunner.query(`
      CREATE TABLE analytics_corrections (
        user_id uuid NOT NULL,
        reference_id text NOT NULL,
        category text NOT NULL,
        sub_category text NOT NULL,
        corrected_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, reference_id)
      )`);
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
