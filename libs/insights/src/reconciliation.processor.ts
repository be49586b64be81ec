import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { STABLECOINS, type CurrencyCode } from '#monay/kernel';
import { LedgerService, verifyLedger, type LedgerBreach } from '#monay/ledger';
import { JobName, JobQueue, OnJob, OutboxRelay, UnitOfWork } from '#monay/shared';
import { InsightsRepository } from './insights.repository';

export interface ReconciliationReport {
  ok: boolean;
  checkedAt: string;
  ledgerBreaches: LedgerBreach[];
  /** Read-model totals that differ from the ledger (minor units as strings). */
  portfolioMismatches: Array<{ userId: string; currency: string; ledger: string; portfolio: string }>;
}

/**
 * Daily: every ledger invariant, and every portfolio total against its ledger account once the outbox
 * has been published. A breach is logged as an error (and returned as the job's result).
 */
@Injectable()
export class ReconciliationProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Reconciliation');

  constructor(
    private readonly ledger: LedgerService,
    private readonly insights: InsightsRepository,
    private readonly relay: OutboxRelay,
    private readonly uow: UnitOfWork,
    private readonly jobs: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.ReconcileLedger, '15 4 * * *', {})
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the reconciliation schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.ReconcileLedger)
  async reconcile(): Promise<ReconciliationReport> {
    await this.relay.waitUntilPublished();
    const report = await verifyLedger(this.uow.manager);
    // The portfolio is of money: points (PTS) are reconciled by rewards against its own lots.
    const ledger = (await this.ledger.allUserPosted(this.uow.manager)).filter((account) =>
      STABLECOINS.includes(account.currency as CurrencyCode),
    );
    const projected = new Map(
      (await this.insights.allPortfolios()).map((p) => [`${p.userId}:${p.currency}`, p.total]),
    );
    const portfolioMismatches = ledger
      .filter((account) => (projected.get(`${account.ownerId}:${account.currency}`) ?? 0n) !== account.posted)
      .map((account) => ({
        userId: account.ownerId,
        currency: account.currency,
        ledger: account.posted.toString(),
        portfolio: (projected.get(`${account.ownerId}:${account.currency}`) ?? 0n).toString(),
      }));
    const result: ReconciliationReport = {
      ok: report.ok && portfolioMismatches.length === 0,
      checkedAt: new Date().toISOString(),
      ledgerBreaches: report.breaches,
      portfolioMismatches,
    };
    if (result.ok) this.logger.log(`Reconciled ${ledger.length} accounts: books balanced`);
    else this.logger.error({ report: result }, 'Reconciliation found breaches');
    return result;
  }
}
