import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { LedgerService, verifyLedger, type LedgerReport } from '#monay/ledger';
import { CURRENCY_CODES, DomainError, type CurrencyCode } from '#monay/kernel';
import { JobName, JobQueue, OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import {
  balanceLineView,
  compareProvider,
  discrepancyView,
  inTransitTotals,
  ledgerOnlyLineView,
  outcomeOf,
  supportedCurrencies,
  type BalanceComparison,
  type ReconciliationFindings,
  type ReconciliationReportView,
  type ReconciliationTrigger,
} from '../domain/reconciliation';
import { ReconciliationReportNotFoundError } from '../domain/reconciliation.errors';
import {
  ReconciliationDiscrepancyFound,
  type ReconciliationDiscrepancyFoundPayload,
} from '../domain/events/reconciliation.events';
import {
  STABLECOIN_PROVIDERS,
  type ProviderName,
  type ProviderTransaction,
  type StablecoinProvider,
} from '../domain/stablecoin-provider.port';
import {
  ReconciliationRepository,
  UNSETTLED_LIMIT,
  type UnsettledMovement,
} from './reconciliation.repository';
import { ProviderCallGuard } from '../routing/provider-call-guard';

/** What `stablecoin_balances.amount` (bigint) holds. */
const MAX_SYNCED_BALANCE = 2n ** 63n - 1n;

/** A difference must still be there after this many snapshots to be reported. */
export const MAX_ATTEMPTS = 3;
const RECHECK_DELAY_MS = 500;
/** Status queries in flight at once per provider. */
const STATUS_CONCURRENCY = 8;

/** The ledger invariants (`verifyLedger`), behind a class so that unit tests can stand in for the database. */
@Injectable()
export class LedgerInvariantCheck {
  verify(manager: EntityManager): Promise<LedgerReport> {
    return verifyLedger(manager);
  }
}

/** One provider, checked once. */
type ProviderCheck =
  | {
      name: ProviderName;
      reachable: true;
      reported: Array<{ currency: CurrencyCode; amount: bigint }>;
      comparisons: BalanceComparison[];
      inTransitMovements: string[];
    }
  | {
      name: ProviderName;
      reachable: false;
      error: { code: string; message: string };
      ledger: ReadonlyMap<CurrencyCode, bigint>;
    };

interface RunResult {
  attempts: number;
  checks: ProviderCheck[];
  ledger: LedgerReport | null;
  error?: string;
}

/**
 * Provider reconciliation (the issue: daily and on demand). For every provider and every currency it supports,
 * reports, or has a clearing account or money in transit in: its reported omnibus balance against the ledger
 * balance of its clearing account, which must be the exact negative of it, except for money the provider has
 * completed and we have not booked yet. Then the ledger invariants. The report is stored with the synced
 * balances (`stablecoin_balances`) and, if anything is off, a `ReconciliationDiscrepancyFound` event, in one
 * transaction.
 *
 * In transit: our movements still pending/processing are read in the same REPEATABLE READ snapshot as the
 * clearing balances; each provider that has (or may have) one is asked its status by our idempotency key
 * (the movement id), BEFORE its balances, so a transaction seen completed is certainly counted in the balances
 * read after. The effects of those completed transactions explain that much of the difference. A transaction
 * completing between the two calls, or a movement created after the snapshot and completed before the
 * balances are read, can still make a difference appear for an instant: a run only reports a difference that
 * is still there after {@link MAX_ATTEMPTS} snapshots a moment apart, as a real one is.
 *
 * No provider call is ever made while a database transaction is open.
 */
@Injectable()
export class ProviderReconciler {
  private readonly logger = new Logger('ProviderReconciliation');

  constructor(
    @Inject(STABLECOIN_PROVIDERS) private readonly providers: StablecoinProvider[],
    private readonly guard: ProviderCallGuard,
    private readonly ledger: LedgerService,
    private readonly invariants: LedgerInvariantCheck,
    private readonly repository: ReconciliationRepository,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly jobs: JobQueue,
  ) {}

  /** The pause between two snapshots when a difference is seen (unit tests shorten it). */
  recheckDelayMs = RECHECK_DELAY_MS;

  /** Records a running report (idempotent per id); its id. */
  async start(trigger: ReconciliationTrigger, reportId: string = randomUUID()): Promise<string> {
    await this.repository.insertRunning(reportId, trigger);
    return reportId;
  }

  /**
   * Runs the reconciliation for a running report and finishes it. A report that is finished already is
   * answered as stored (a job that runs twice reconciles once).
   */
  async run(reportId: string): Promise<ReconciliationReportView> {
    const existing = await this.repository.find(reportId);
    if (!existing) throw new ReconciliationReportNotFoundError();
    if (existing.status !== 'running') return existing;
    let result: RunResult;
    try {
      result = await this.reconcile();
    } catch (error) {
      this.logger.error({ err: error, reportId }, 'Provider reconciliation broke');
      result = { attempts: 0, checks: [], ledger: null, error: describe(error).message };
    }
    return this.finish(reportId, result);
  }

  /**
   * Records a running report and hands the run to the job (`JobName.ReconcileProviders`, keyed by the report
   * id, so the job finishes this very report); the report id.
   */
  async startInBackground(trigger: ReconciliationTrigger): Promise<string> {
    const reportId = await this.start(trigger);
    try {
      await this.jobs.enqueue(
        JobName.ReconcileProviders,
        { trigger, reportId },
        { jobId: reportId, attempts: 3, backoff: { type: 'exponential', delay: 1_000 } },
      );
    } catch (error) {
      await this.abandon(reportId, `the run could not be queued: ${describe(error).message}`);
      throw error;
    }
    return reportId;
  }

  /**
   * Starts a run and waits for it at most `timeoutMs`: the finished report, or null if it is still running
   * (it goes on in the background and finishes its report).
   */
  async runAndWait(
    trigger: ReconciliationTrigger,
    timeoutMs: number,
  ): Promise<{ reportId: string; report: ReconciliationReportView | null }> {
    const reportId = await this.start(trigger);
    const running = this.run(reportId);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const report = await Promise.race([running, late]);
      if (report === null) {
        running.catch((error: unknown) =>
          this.logger.error({ err: error, reportId }, 'Provider reconciliation could not finish its report'),
        );
      }
      return { reportId, report };
    } finally {
      clearTimeout(timer);
    }
  }

  async get(reportId: string): Promise<ReconciliationReportView> {
    const report = await this.repository.find(reportId);
    if (!report) throw new ReconciliationReportNotFoundError();
    return report;
  }

  async latest(): Promise<ReconciliationReportView> {
    const report = await this.repository.latestFinished();
    if (!report) throw new ReconciliationReportNotFoundError('Finished reconciliation report');
    return report;
  }

  /** Marks a report that could not even be started (its job could not be enqueued) as failed. */
  async abandon(reportId: string, reason: string): Promise<void> {
    await this.finish(reportId, { attempts: 0, checks: [], ledger: null, error: reason });
  }

  private async reconcile(): Promise<RunResult> {
    let attempts = 0;
    let checks: ProviderCheck[];
    for (;;) {
      attempts += 1;
      checks = await this.checkProviders();
      const unexplained = checks.some(
        (check) => check.reachable && check.comparisons.some((line) => line.unexplained !== 0n),
      );
      if (!unexplained || attempts >= MAX_ATTEMPTS) break;
      await new Promise((resolve) => setTimeout(resolve, this.recheckDelayMs));
    }
    const ledger = await this.invariants.verify(this.uow.manager);
    return { attempts, checks, ledger };
  }

  /** One snapshot of our books, then each provider (in parallel): statuses of open movements, then balances. */
  private async checkProviders(): Promise<ProviderCheck[]> {
    const { clearing, unsettled } = await this.repository.snapshot(async (tx) => {
      const byProvider = new Map<ProviderName, Map<CurrencyCode, bigint>>();
      for (const provider of this.providers) {
        const balances = new Map<CurrencyCode, bigint>();
        for (const currency of CURRENCY_CODES) {
          balances.set(
            currency,
            await this.ledger.systemBalance(tx, currency, 'provider_clearing', provider.name),
          );
        }
        byProvider.set(provider.name, balances);
      }
      return { clearing: byProvider, unsettled: await this.repository.unsettledMovements(tx) };
    });
    if (unsettled.length >= UNSETTLED_LIMIT) {
      this.logger.warn(
        `Over ${UNSETTLED_LIMIT} open provider movements: only the oldest are checked for money in transit`,
      );
    }
    return Promise.all(
      this.providers.map((provider) =>
        this.checkProvider(provider, clearing.get(provider.name) ?? new Map(), unsettled),
      ),
    );
  }

  private async checkProvider(
    provider: StablecoinProvider,
    clearing: ReadonlyMap<CurrencyCode, bigint>,
    unsettled: readonly UnsettledMovement[],
  ): Promise<ProviderCheck> {
    const supported = supportedCurrencies(provider);
    // The provider of record; a movement no provider has confirmed taking yet may be at any that could.
    const candidates = unsettled.filter(
      (movement) =>
        movement.provider === provider.name ||
        ((movement.status === 'pending' || movement.provider === null) && supported.has(movement.currency)),
    );
    try {
      const completed: ProviderTransaction[] = [];
      for (let start = 0; start < candidates.length; start += STATUS_CONCURRENCY) {
        const chunk = candidates.slice(start, start + STATUS_CONCURRENCY);
        const answers = await Promise.all(
          chunk.map((movement) =>
            this.call(provider, 'status', () => provider.getTransactionStatus(movement.id)),
          ),
        );
        answers.forEach((transaction, index) => {
          if (transaction?.status === 'completed' && transaction.idempotencyKey === chunk[index].id) {
            completed.push(transaction);
          }
        });
      }
      const reported = await this.call(provider, 'balances', () => provider.getBalances());
      const reportedTotals = new Map<CurrencyCode, bigint>();
      for (const balance of reported) {
        reportedTotals.set(balance.currency, (reportedTotals.get(balance.currency) ?? 0n) + balance.amount);
      }
      return {
        name: provider.name,
        reachable: true,
        reported: [...reportedTotals].map(([currency, amount]) => ({ currency, amount })),
        comparisons: compareProvider({
          supported,
          reported: reportedTotals,
          ledger: clearing,
          inTransit: inTransitTotals(completed),
        }),
        inTransitMovements: completed.map((transaction) => transaction.idempotencyKey),
      };
    } catch (error) {
      return { name: provider.name, reachable: false, error: describe(error), ledger: clearing };
    }
  }

  /** A provider call under the call deadline, recorded in the health statistics, never refused by a breaker. */
  private call<T>(provider: StablecoinProvider, operation: string, work: () => Promise<T>): Promise<T> {
    return this.guard.run({ provider: provider.name, operation, breaker: false }, work);
  }

  private async finish(reportId: string, result: RunResult): Promise<ReconciliationReportView> {
    const findings = findingsOf(result);
    const ledgerBreaches = findings.ledger?.breaches ?? [];
    const unreachable = findings.providers.filter((provider) => !provider.reachable);
    const outcome = outcomeOf({
      unreachableProviders: unreachable.length,
      discrepancies: findings.discrepancies.length,
      ledgerBreaches: ledgerBreaches.length,
      error: findings.error !== undefined,
    });
    const discrepancyCount = findings.discrepancies.length + ledgerBreaches.length;
    const syncedAt = new Date();
    const stored = await this.uow.run(async (tx) => {
      const report = await this.repository.finish(tx, reportId, outcome, findings, discrepancyCount);
      if (!report) return null;
      for (const check of result.checks) {
        if (!check.reachable) continue;
        // A balance its column cannot hold is reported (the report keeps decimal strings) but not synced.
        const storable = check.reported.filter((line) => {
          const fits = line.amount <= MAX_SYNCED_BALANCE && line.amount >= -MAX_SYNCED_BALANCE;
          if (!fits) {
            this.logger.error(
              { provider: check.name, currency: line.currency, amount: line.amount.toString() },
              'A provider reported a balance beyond what stablecoin_balances holds; not synced',
            );
          }
          return fits;
        });
        await this.repository.upsertBalances(tx, check.name, storable, syncedAt);
      }
      if (discrepancyCount > 0) {
        const payload: ReconciliationDiscrepancyFoundPayload = {
          reportId,
          trigger: report.trigger,
          status: outcome,
          counts: {
            discrepancies: findings.discrepancies.length,
            ledgerBreaches: ledgerBreaches.length,
            unreachableProviders: unreachable.length,
          },
          discrepancies: findings.discrepancies,
          ledgerBreaches,
        };
        await this.outbox.append(tx, [
          { type: ReconciliationDiscrepancyFound, aggregateId: reportId, userIds: [], payload },
        ]);
      }
      return report;
    });
    if (!stored) return this.get(reportId);
    if (discrepancyCount > 0) {
      this.relay.nudge();
      this.logger.error(
        { reportId, discrepancies: findings.discrepancies, ledgerBreaches },
        'Provider reconciliation found discrepancies',
      );
    }
    if (unreachable.length > 0 || findings.error !== undefined) {
      this.logger.error(
        {
          reportId,
          unreachable: unreachable.map((provider) => ({ name: provider.name, error: provider.error })),
          error: findings.error,
        },
        'Provider reconciliation could not check everything',
      );
    }
    if (outcome === 'ok') {
      this.logger.log(`Provider reconciliation ${reportId}: every clearing account matches its provider`);
    }
    return stored;
  }
}

function findingsOf(result: RunResult): ReconciliationFindings {
  const providers: ReconciliationFindings['providers'] = result.checks.map((check) =>
    check.reachable
      ? {
          name: check.name,
          reachable: true,
          balances: check.comparisons.map(balanceLineView),
          inTransitMovements: check.inTransitMovements,
        }
      : {
          name: check.name,
          reachable: false,
          error: check.error,
          balances: [...check.ledger]
            .filter(([, amount]) => amount !== 0n)
            .map(([currency, amount]) => ledgerOnlyLineView(currency, amount)),
          inTransitMovements: [],
        },
  );
  const discrepancies = result.checks.flatMap((check) =>
    check.reachable
      ? check.comparisons
          .filter((line) => line.unexplained !== 0n)
          .map((line) => discrepancyView(check.name, line))
      : [],
  );
  return {
    attempts: result.attempts,
    providers,
    ledger: result.ledger ? { ok: result.ledger.ok, breaches: result.ledger.breaches } : null,
    discrepancies,
    ...(result.error !== undefined && { error: result.error }),
  };
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: error.name, message: error.message };
  return { code: 'UNKNOWN', message: String(error) };
}
