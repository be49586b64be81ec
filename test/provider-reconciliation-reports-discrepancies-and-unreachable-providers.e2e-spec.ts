import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import type { ReconciliationReportView } from '#monay/providers';
import { JobBackend, JobName, JobQueue, QueueName, UnitOfWork, loadConfig } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { asAdmin, expectProvidersReconciled, reconcileProviders } from './support/reconciliation';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('provider reconciliation: discrepancies are reported exactly, an unreachable provider fails the run', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = await startTestApp();
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    admin = await asAdmin(t);
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  const dataSource = () => t.app.get(DataSource);

  /**
   * A transaction completed on the sandbox's own books (its table), that no call of ours made: the provider's
   * side changes, the ledger never hears of it.
   */
  async function completedAtSandbox(
    provider: string,
    operation: 'deposit' | 'withdraw',
    currency: string,
    amount: bigint,
  ): Promise<void> {
    await dataSource().query(
      `INSERT INTO sandbox_provider_transactions
         (id, provider, idempotency_key, provider_transaction_id, operation, request_hash, currency, amount, fee,
          wire, outcome, stage, status, provider_status, created_at, settles_at, settled_at, webhook_id, notified_at)
       VALUES ($1, $2, $3, $4, $5, 'manual', $6, $7, 0, '{}', 'completed', 0, 'completed', 'COMPLETE', now(), now(),
          now(), $8, now())`,
      [
        randomUUID(),
        provider,
        randomUUID(),
        randomUUID(),
        operation,
        currency,
        amount.toString(),
        randomUUID(),
      ],
    );
  }

  /** A ledger posting on a provider's clearing account that no provider transaction backs. */
  async function postedOnClearing(provider: string, currency: string, amount: bigint): Promise<void> {
    const ledger = t.app.get(LedgerService);
    await t.app.get(UnitOfWork).run(async (tx) => {
      const clearing = await ledger.systemAccount(tx, 'provider_clearing', currency, provider);
      const suspense = await ledger.systemAccount(tx, 'suspense', currency, 'reconciliation-test');
      await ledger.post(tx, {
        kind: 'reversal',
        entries: [
          { accountId: clearing.id, currency, amount },
          { accountId: suspense.id, currency, amount: -amount },
        ],
      });
    });
  }

  async function discrepancyEvents(reportId: string) {
    return (await dataSource().query(
      `SELECT type, aggregate_id, user_ids, payload FROM outbox WHERE aggregate_id = $1 ORDER BY sequence`,
      [reportId],
    )) as Array<{ type: string; aggregate_id: string; user_ids: string[]; payload: Record<string, unknown> }>;
  }

  async function setMode(name: string, mode: string): Promise<void> {
    await t.http().put(`/api/admin/providers/${name}/mode`).set(admin).send({ mode }).expect(200);
  }

  it('reports a completed provider transaction the ledger never saw: the exact difference, an event, and latest shows it', async () => {
    await expectProvidersReconciled(t);
    await completedAtSandbox('circle', 'deposit', 'USDC', 12_345_678n);

    const report = await reconcileProviders(t);
    const discrepancy = {
      provider: 'circle',
      currency: 'USDC',
      ledger: '0.00',
      reported: '12.345678',
      difference: '12.345678',
      inTransit: '0.00',
      unexplained: '12.345678',
    };
    expect(report).toMatchObject({
      status: 'discrepancies',
      discrepancyCount: 1,
      attempts: 3,
      discrepancies: [discrepancy],
      ledger: { ok: true, breaches: [] },
    });
    const circle = report.providers.find((p) => p.name === 'circle');
    expect(circle?.balances.find((line) => line.currency === 'USDC')).toEqual({
      currency: 'USDC',
      provider: '12.345678',
      ledger: '0.00',
      difference: '12.345678',
      inTransit: '0.00',
      unexplained: '12.345678',
      ok: false,
    });
    // Every other line still reconciles.
    expect(
      report.providers.flatMap((p) =>
        p.balances.filter((line) => !line.ok).map((line) => [p.name, line.currency]),
      ),
    ).toEqual([['circle', 'USDC']]);

    expect(await discrepancyEvents(report.id)).toEqual([
      {
        type: 'ReconciliationDiscrepancyFound',
        aggregate_id: report.id,
        user_ids: [],
        payload: {
          reportId: report.id,
          trigger: 'admin',
          status: 'discrepancies',
          counts: { discrepancies: 1, ledgerBreaches: 0, unreachableProviders: 0 },
          discrepancies: [discrepancy],
          ledgerBreaches: [],
        },
      },
    ]);
    const latest = await t.http().get('/api/admin/reconciliation/latest').set(admin).expect(200);
    expect(latest.body.report).toMatchObject({
      id: report.id,
      status: 'discrepancies',
      discrepancies: [discrepancy],
    });
    // What alerting sees: the latest report's discrepancies.
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(
      /^monay_reconciliation_discrepancies 1$/m,
    );
    const [synced] = (await dataSource().query(
      `SELECT amount::text AS amount FROM stablecoin_balances WHERE provider = 'circle' AND currency = 'USDC'`,
    )) as Array<{ amount: string }>;
    expect(synced.amount).toBe('12345678');

    // The provider's books corrected (the same amount back out): reconciled again, no new event.
    await completedAtSandbox('circle', 'withdraw', 'USDC', 12_345_678n);
    const corrected = await expectProvidersReconciled(t);
    expect(await discrepancyEvents(corrected.id)).toEqual([]);
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(
      /^monay_reconciliation_discrepancies 0$/m,
    );
  });

  it('reports a clearing-account posting no provider transaction backs, found by the daily job as well', async () => {
    await postedOnClearing('monay', 'USDT', -5_000_001n);

    // The scheduled run, through the job (in the worker when there is Redis).
    const jobId = await t.app.get(JobQueue).enqueue(JobName.ReconcileProviders, { trigger: 'schedule' });
    const queue = t.app.get(JobBackend).queue(QueueName.Providers);
    const job = await waitFor('the scheduled reconciliation to finish', async () => {
      const found = await queue.getJob(jobId);
      return found?.finishedOn ? found : undefined;
    });
    expect(job.returnvalue).toEqual({
      reportId: expect.any(String),
      status: 'discrepancies',
      discrepancyCount: 1,
    });
    const reportId = (job.returnvalue as { reportId: string }).reportId;
    const response = await t.http().get(`/api/admin/reconciliation/${reportId}`).set(admin).expect(200);
    const report = response.body.report as ReconciliationReportView;
    const discrepancy = {
      provider: 'monay',
      currency: 'USDT',
      ledger: '-5.000001',
      reported: '0.00',
      difference: '-5.000001',
      inTransit: '0.00',
      unexplained: '-5.000001',
    };
    expect(report).toMatchObject({
      trigger: 'schedule',
      status: 'discrepancies',
      discrepancies: [discrepancy],
    });
    const [event] = await discrepancyEvents(reportId);
    expect(event).toMatchObject({
      type: 'ReconciliationDiscrepancyFound',
      payload: { reportId, trigger: 'schedule', discrepancies: [discrepancy] },
    });
    const latest = await t.http().get('/api/admin/reconciliation/latest').set(admin).expect(200);
    expect(latest.body.report.id).toBe(reportId);

    // A reversing posting puts the books right.
    await postedOnClearing('monay', 'USDT', 5_000_001n);
    await expectProvidersReconciled(t);
  });

  it('marks a provider in outage unreachable and fails the run for it, reconciling the others', async () => {
    const before = await reconcileProviders(t);
    expect(before.status).toBe('ok');
    const syncedAt = async (provider: string) =>
      (
        (await dataSource().query(
          `SELECT currency, synced_at FROM stablecoin_balances WHERE provider = $1 ORDER BY currency`,
          [provider],
        )) as Array<{ currency: string; synced_at: Date }>
      ).map((row) => [row.currency, row.synced_at.toISOString()]);
    const tempoSynced = await syncedAt('tempo');
    const circleSynced = await syncedAt('circle');

    await setMode('tempo', 'outage');
    try {
      const report = await expectProvidersReconciled(t, { unreachable: ['tempo'] });
      const tempo = report.providers.find((p) => p.name === 'tempo');
      expect(tempo).toMatchObject({
        reachable: false,
        error: { code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/outage/) },
        inTransitMovements: [],
      });
      expect(report).toMatchObject({ status: 'failed', discrepancies: [], ledger: { ok: true } });
      expect(report.providers.filter((p) => p.reachable).map((p) => p.name)).toEqual(['circle', 'monay']);
      // An outage is not a discrepancy: no event; Tempo's last synced balances stay as they were.
      expect(await discrepancyEvents(report.id)).toEqual([]);
      expect(await syncedAt('tempo')).toEqual(tempoSynced);
      expect(await syncedAt('circle')).not.toEqual(circleSynced);
      const latest = await t.http().get('/api/admin/reconciliation/latest').set(admin).expect(200);
      expect(latest.body.report).toMatchObject({ id: report.id, status: 'failed' });
    } finally {
      await setMode('tempo', 'healthy');
    }
    await expectProvidersReconciled(t);
  });
});
