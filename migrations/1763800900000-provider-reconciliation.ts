import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider balance sync (stablecoin_balances) and reconciliation reports. */
export class ProviderReconciliation1763800900000 implements MigrationInterface {
  name = 'ProviderReconciliation1763800900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The latest balance each provider reported for our omnibus wallet there, per currency (minor units),
    // upserted by every reconciliation run that reached the provider.
    await queryRunner.query(`
      CREATE TABLE stablecoin_balances (
        provider text NOT NULL,
        currency text NOT NULL,
        amount bigint NOT NULL,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, currency)
      )`);

    // One row per reconciliation run: `running` until it finishes, then ok | discrepancies | failed with the
    // whole report (decimal-string amounts) in `report`.
    await queryRunner.query(`
      CREATE TABLE reconciliation_reports (
        id uuid PRIMARY KEY,
        trigger text NOT NULL CHECK (trigger IN ('schedule', 'admin')),
        status text NOT NULL CHECK (status IN ('running', 'ok', 'discrepancies', 'failed')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        report jsonb,
        discrepancy_count integer NOT NULL DEFAULT 0 CHECK (discrepancy_count >= 0),
        CONSTRAINT reconciliation_reports_finished_check CHECK ((status = 'running') = (finished_at IS NULL))
      )`);
    // The latest finished report.
    await queryRunner.query(
      `CREATE INDEX reconciliation_reports_finished_idx ON reconciliation_reports (finished_at DESC)
        WHERE finished_at IS NOT NULL`,
    );
  }

  async down(): Promise<void> {
    throw new Error(
      'Migrations only move forward (additive only): write a new migration instead of rolling back',
    );
  }
}
