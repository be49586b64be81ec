import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import type { MovementKind, MovementStatus } from '../domain/movement';
import type {
  ReconciliationFindings,
  ReconciliationOutcome,
  ReconciliationReportView,
  ReconciliationStatus,
  ReconciliationTrigger,
} from '../domain/reconciliation';
import type { ProviderName } from '../domain/stablecoin-provider.port';

/** A money movement still open on our side: the provider may have completed it already. */
export interface UnsettledMovement {
  id: string;
  kind: MovementKind;
  status: MovementStatus;
  currency: CurrencyCode;
  /** The provider that has it (or may have it); null while none has answered yet. */
  provider: ProviderName | null;
}

interface ReportRow {
  id: string;
  trigger: ReconciliationTrigger;
  status: ReconciliationStatus;
  started_at: Date;
  finished_at: Date | null;
  report: ReconciliationFindings | null;
  discrepancy_count: number;
}

const REPORT_COLUMNS = `id, trigger, status, started_at, finished_at, report, discrepancy_count`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** At most this many open movements are looked at per run (oldest first); more is logged by the caller. */
export const UNSETTLED_LIMIT = 5_000;

function toView(row: ReportRow): ReconciliationReportView {
  const findings: ReconciliationFindings = row.report ?? {
    attempts: 0,
    providers: [],
    ledger: null,
    discrepancies: [],
  };
  return {
    id: row.id,
    trigger: row.trigger,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    discrepancyCount: row.discrepancy_count,
    ...findings,
  };
}

/** reconciliation_reports and stablecoin_balances, and the read of open provider movements a run needs. */
@Injectable()
export class ReconciliationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `work` in one read-only REPEATABLE READ transaction: every read sees the same committed state (the
   * clearing balances and the open movements agree with each other). No provider call may happen inside.
   */
  snapshot<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      return work(tx);
    });
  }

  /**
   * Movements through providers still pending or processing (read-only; `provider_movements` belongs to
   * the movements part, which exposes no such query).
   */
  async unsettledMovements(tx: EntityManager): Promise<UnsettledMovement[]> {
    return (await tx.query(
      `SELECT id, kind, status, currency, provider FROM provider_movements
        WHERE status IN ('pending', 'processing')
        ORDER BY created_at, id
        LIMIT $1`,
      [UNSETTLED_LIMIT],
    )) as UnsettledMovement[];
  }

  /** A new running report (nothing if this id exists already); whether it was created. */
  async insertRunning(id: string, trigger: ReconciliationTrigger): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO reconciliation_reports (id, trigger, status) VALUES ($1, $2, 'running')
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, trigger],
    )) as Array<{ id: string }>;
    return rows.length === 1;
  }

  /**
   * Finishes a running report, once: null if it was finished already (a job that ran twice, or a run that
   * raced another for the same report).
   */
  async finish(
    tx: EntityManager,
    id: string,
    outcome: ReconciliationOutcome,
    findings: ReconciliationFindings,
    discrepancyCount: number,
  ): Promise<ReconciliationReportView | null> {
    const [rows] = (await tx.query(
      `UPDATE reconciliation_reports
          SET status = $2, report = $3::jsonb, discrepancy_count = $4, finished_at = now()
        WHERE id = $1 AND status = 'running'
        RETURNING ${REPORT_COLUMNS}`,
      [id, outcome, JSON.stringify(findings), discrepancyCount],
    )) as [ReportRow[], number];
    return rows[0] ? toView(rows[0]) : null;
  }

  async find(id: string): Promise<ReconciliationReportView | null> {
    if (!UUID.test(id)) return null;
    const rows = (await this.dataSource.query(
      `SELECT ${REPORT_COLUMNS} FROM reconciliation_reports WHERE id = $1`,
      [id],
    )) as ReportRow[];
    return rows[0] ? toView(rows[0]) : null;
  }

  async latestFinished(): Promise<ReconciliationReportView | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${REPORT_COLUMNS} FROM reconciliation_reports
        WHERE finished_at IS NOT NULL
        ORDER BY finished_at DESC, started_at DESC
        LIMIT 1`,
    )) as ReportRow[];
    return rows[0] ? toView(rows[0]) : null;
  }

  /** The balances a provider just reported: one row per currency, replaced by every run that reached it. */
  async upsertBalances(
    tx: EntityManager,
    provider: ProviderName,
    balances: ReadonlyArray<{ currency: CurrencyCode; amount: bigint }>,
    syncedAt: Date,
  ): Promise<void> {
    if (balances.length === 0) return;
    const values: unknown[] = [provider, syncedAt];
    const rows = balances.map((balance, index) => {
      values.push(balance.currency, balance.amount.toString());
      return `($1, $${index * 2 + 3}, $${index * 2 + 4}::bigint, $2)`;
    });
    await tx.query(
      `INSERT INTO stablecoin_balances (provider, currency, amount, synced_at) VALUES ${rows.join(', ')}
       ON CONFLICT (provider, currency) DO UPDATE SET amount = EXCLUDED.amount, synced_at = EXCLUDED.synced_at`,
      values,
    );
  }

  /** Every synced balance (minor units), by provider then currency. */
  async syncedBalances(): Promise<
    Array<{ provider: ProviderName; currency: CurrencyCode; amount: bigint; syncedAt: Date }>
  > {
    const rows = (await this.dataSource.query(
      `SELECT provider, currency, amount::text AS amount, synced_at FROM stablecoin_balances
        ORDER BY provider, currency`,
    )) as Array<{ provider: ProviderName; currency: CurrencyCode; amount: string; synced_at: Date }>;
    return rows.map((row) => ({
      provider: row.provider,
      currency: row.currency,
      amount: BigInt(row.amount),
      syncedAt: row.synced_at,
    }));
  }
}
