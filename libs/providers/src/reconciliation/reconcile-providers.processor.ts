import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobName, JobQueue, OnJob, type JobPayloads } from '#monay/shared';
import type { ReconciliationStatus } from '../domain/reconciliation';
import { ProviderReconciler } from './provider-reconciler';

/** Every day at 04:45 UTC (after the ledger's own reconciliation at 04:15). */
export const RECONCILE_PROVIDERS_CRON = '45 4 * * *';

/**
 * Provider reconciliation as a job: daily on its schedule (a new report), or for an admin's run (the report
 * the API created, given by id). A job that runs twice for one report reconciles once.
 */
@Injectable()
export class ReconcileProvidersProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('ProviderReconciliation');

  constructor(
    private readonly reconciler: ProviderReconciler,
    private readonly jobs: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.ReconcileProviders, RECONCILE_PROVIDERS_CRON, { trigger: 'schedule' })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the provider reconciliation schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.ReconcileProviders)
  async reconcile(
    payload: JobPayloads[JobName.ReconcileProviders],
  ): Promise<{ reportId: string; status: ReconciliationStatus; discrepancyCount: number }> {
    const reportId = await this.reconciler.start(payload.trigger, payload.reportId);
    const report = await this.reconciler.run(reportId);
    return { reportId, status: report.status, discrepancyCount: report.discrepancyCount };
  }
}
