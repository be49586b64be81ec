import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { Money } from '#monay/kernel';
import {
  STABLECOIN_PROVIDERS,
  type ReconciliationReportView,
  type StablecoinProvider,
} from '#monay/providers';
import { JobBackend, JobName, QueueName, loadConfig } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { auth, onboard, type Customer } from './support/money';
import { asAdmin, expectProvidersReconciled, reconcileProviders } from './support/reconciliation';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface SyncedBalance {
  provider: string;
  currency: string;
  amount: string;
  synced_at: Date;
}

describe('provider reconciliation: every provider balance mirrors its clearing account', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let admin: { Authorization: string };
  let customer: Customer;

  beforeAll(async () => {
    t = await startTestApp();
    // With Redis the processors live in apps/worker: start its module as a second process would.
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    admin = await asAdmin(t);
    customer = await onboard(t, 'reconciled');
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  const synced = async (): Promise<SyncedBalance[]> =>
    (await t.app
      .get(DataSource)
      .query(
        `SELECT provider, currency, amount::text AS amount, synced_at FROM stablecoin_balances ORDER BY provider, currency`,
      )) as SyncedBalance[];

  /** Every reported line of a report as [provider, currency, reported amount], sorted like `synced()`. */
  const reportedLines = (report: ReconciliationReportView) =>
    report.providers
      .flatMap((provider) => provider.balances.map((line) => [provider.name, line.currency, line.provider]))
      .sort(([a, b], [c, d]) => `${a}:${b}`.localeCompare(`${c}:${d}`));

  it('keeps reconciliation for admins: 401 without a token, 403 FORBIDDEN for a customer', async () => {
    const routes = [
      () => t.http().post('/api/admin/reconciliation/run'),
      () => t.http().post('/api/admin/reconciliation/run?wait=true'),
      () => t.http().get('/api/admin/reconciliation/latest'),
      () => t.http().get(`/api/admin/reconciliation/${randomUUID()}`),
    ];
    for (const route of routes) {
      const anonymous = await route().expect(401);
      expect(anonymous.body).toMatchObject({ success: false, error: { code: expect.any(String) } });
      const forbidden = await route().set(auth(customer)).expect(403);
      expect(forbidden.body).toMatchObject({ success: false, error: { code: 'FORBIDDEN' } });
    }
    const [{ count }] = (await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM reconciliation_reports`)) as Array<{ count: number }>;
    expect(count).toBe(0);
  });

  it('answers 404 NOT_FOUND before any run has finished, and for an unknown or malformed report id', async () => {
    for (const path of ['latest', randomUUID(), 'not-a-uuid']) {
      const response = await t.http().get(`/api/admin/reconciliation/${path}`).set(admin).expect(404);
      expect(response.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    }
    const invalid = await t.http().post('/api/admin/reconciliation/run?wait=yes').set(admin).expect(400);
    expect(invalid.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('reconciles a fresh system: ok, zero discrepancies, a synced balance per provider and currency reported', async () => {
    const report = await expectProvidersReconciled(t);
    expect(report).toMatchObject({
      trigger: 'admin',
      status: 'ok',
      discrepancyCount: 0,
      attempts: 1,
      finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(report.providers.map((provider) => [provider.name, provider.reachable])).toEqual([
      ['tempo', true],
      ['circle', true],
      ['monay', true],
    ]);
    // Each sandbox reports every currency it supports (Tempo all four, Circle USDC/EURC, Monay USDC/USDT).
    expect(report.providers.map((provider) => provider.balances.map((line) => line.currency))).toEqual([
      ['USDC', 'USDT', 'PYUSD', 'EURC'],
      ['USDC', 'EURC'],
      ['USDC', 'USDT'],
    ]);
    for (const line of report.providers.flatMap((provider) => provider.balances)) {
      expect(line).toEqual({
        currency: line.currency,
        provider: '0.00',
        ledger: '0.00',
        difference: '0.00',
        inTransit: '0.00',
        unexplained: '0.00',
        ok: true,
      });
    }
    const rows = await synced();
    expect(rows.map((row) => [row.provider, row.currency, row.amount])).toEqual(
      reportedLines(report).map(([provider, currency]) => [provider, currency, '0']),
    );

    const latest = await t.http().get('/api/admin/reconciliation/latest').set(admin).expect(200);
    expect(latest.body).toEqual({ success: true, report });
    const byId = await t.http().get(`/api/admin/reconciliation/${report.id}`).set(admin).expect(200);
    expect(byId.body).toEqual({ success: true, report });
  });

  it('declares the daily schedule, and runs an admin request in the background: 202, then the job finishes it', async () => {
    const queue = t.app.get(JobBackend).queue(QueueName.Providers);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s: { key: string }) => s.key === JobName.ReconcileProviders)).toHaveLength(1);

    const before = await synced();
    const started = await t.http().post('/api/admin/reconciliation/run').set(admin).expect(202);
    expect(started.body).toEqual({ success: true, reportId: expect.any(String), status: 'running' });
    const reportId = started.body.reportId as string;
    const report = await waitFor('the reconciliation job to finish its report', async () => {
      const response = await t.http().get(`/api/admin/reconciliation/${reportId}`).set(admin).expect(200);
      const current = response.body.report as ReconciliationReportView;
      return current.status === 'running' ? undefined : current;
    });
    expect(report).toMatchObject({ id: reportId, trigger: 'admin', status: 'ok', discrepancies: [] });
    const job = await queue.getJob(reportId);
    expect(job?.returnvalue).toEqual({ reportId, status: 'ok', discrepancyCount: 0 });
    // The run synced the balances again.
    const after = await synced();
    expect(after.map((row) => [row.provider, row.currency, row.amount])).toEqual(
      before.map((row) => [row.provider, row.currency, row.amount]),
    );
    for (const [index, row] of after.entries()) {
      expect(row.synced_at.getTime()).toBeGreaterThan(before[index].synced_at.getTime());
    }
    const latest = await t.http().get('/api/admin/reconciliation/latest').set(admin).expect(200);
    expect(latest.body.report.id).toBe(reportId);
  });

  it('stays reconciled after deposits and withdrawals through the providers; synced balances are minus the clearing accounts', async () => {
    const bob = await onboard(t, 'reconciled-bob');
    const moves: Array<{ who: Customer; path: string; body: Record<string, unknown> }> = [
      { who: customer, path: 'deposit', body: { amount: '250.00', currency: 'USDC' } },
      { who: customer, path: 'deposit', body: { amount: '12.345678', currency: 'USDC', urgency: 'instant' } },
      { who: bob, path: 'deposit', body: { amount: '40.00', currency: 'EURC' } },
      { who: bob, path: 'deposit', body: { amount: '15.50', currency: 'USDT' } },
      { who: customer, path: 'deposit', body: { amount: '9.99', currency: 'PYUSD' } },
      {
        who: customer,
        path: 'withdraw',
        body: { amount: '100.00', currency: 'USDC', destination: 'GB33BUKB2020155' },
      },
      { who: bob, path: 'withdraw', body: { amount: '5.25', currency: 'EURC', destination: 'card-4242' } },
      {
        who: customer,
        path: 'withdraw',
        body: { amount: '1.00', currency: 'USDC', destination: 'card-4242', speed: 'instant' },
      },
    ];
    for (const move of moves) {
      const response = await t
        .http()
        .post(`/api/consumer/${move.path}`)
        .set(auth(move.who))
        .set('Idempotency-Key', randomUUID())
        .send(move.body);
      expect([201, 202]).toContain(response.status);
    }
    // Whatever is still settling is either in transit (explained) or booked by the time the run looks.
    const report = await expectProvidersReconciled(t);

    // Once everything has settled, each synced balance is exactly minus its clearing account.
    const ledger = t.app.get(LedgerService);
    const manager = t.app.get(DataSource).manager;
    const settled = await waitFor('every provider movement to settle', async () => {
      const [{ open }] = (await t.app
        .get(DataSource)
        .query(
          `SELECT count(*)::int AS open FROM provider_movements WHERE status IN ('pending', 'processing')`,
        )) as Array<{ open: number }>;
      return open === 0 ? true : undefined;
    });
    expect(settled).toBe(true);
    const final = await expectProvidersReconciled(t);
    expect(final.providers.every((provider) => provider.inTransitMovements.length === 0)).toBe(true);
    const rows = await synced();
    expect(rows.map((row) => [row.provider, row.currency])).toEqual(
      reportedLines(final).map(([provider, currency]) => [provider, currency]),
    );
    let nonZero = 0;
    for (const row of rows) {
      const clearing = await ledger.systemBalance(manager, row.currency, 'provider_clearing', row.provider);
      expect([row.provider, row.currency, BigInt(row.amount)]).toEqual([
        row.provider,
        row.currency,
        -clearing,
      ]);
      if (clearing !== 0n) nonZero += 1;
    }
    // Money really went through several providers and currencies.
    expect(nonZero).toBeGreaterThanOrEqual(3);
    expect(report.status).toBe('ok');
    const again = await reconcileProviders(t);
    expect(again.status).toBe('ok');
  });

  it('explains money a provider completed before we booked it as in transit, then sees it booked', async () => {
    // A deposit Circle has completed and our books have not settled yet: its movement is processing and
    // the poller is told not to look before the first reconciliation (this test app sends no webhooks).
    const dataSource = t.app.get(DataSource);
    const movementId = randomUUID();
    await dataSource.query(
      `INSERT INTO provider_movements (id, user_id, kind, status, currency, amount, provider, method, next_poll_at)
       VALUES ($1, $2, 'deposit', 'processing', 'USDC', 20000000, 'circle', 'bank', now() + interval '1 hour')`,
      [movementId, customer.userId],
    );
    const circle = t.app
      .get<StablecoinProvider[]>(STABLECOIN_PROVIDERS)
      .find((provider) => provider.name === 'circle');
    if (!circle) throw new Error('no circle adapter');
    await circle.deposit({
      idempotencyKey: movementId,
      amount: Money.parse('20.00', 'USDC'),
      method: 'bank',
    });
    await waitFor('Circle to complete the deposit', async () =>
      (await circle.getTransactionStatus(movementId))?.status === 'completed' ? true : undefined,
    );
    const before = await reconcileProviders(t);
    const lineOf = (report: ReconciliationReportView) =>
      report.providers.find((p) => p.name === 'circle')?.balances.find((b) => b.currency === 'USDC');
    const clearingBefore = await t.app
      .get(LedgerService)
      .systemBalance(dataSource.manager, 'USDC', 'provider_clearing', 'circle');
    expect(before.status).toBe('ok');
    expect(before.discrepancies).toEqual([]);
    expect(before.providers.find((p) => p.name === 'circle')?.inTransitMovements).toEqual([movementId]);
    expect(lineOf(before)).toEqual({
      currency: 'USDC',
      provider: Money.of(-clearingBefore + 20_000_000n, 'USDC').toDecimalString(),
      ledger: Money.of(clearingBefore, 'USDC').toDecimalString(),
      difference: '20.00',
      inTransit: '20.00',
      unexplained: '0.00',
      ok: true,
    });

    // The poller books it (Circle deposits are free: 20.00 credited); nothing is in transit any more.
    await dataSource.query(`UPDATE provider_movements SET next_poll_at = now() WHERE id = $1`, [movementId]);
    await waitFor('the poller to book the deposit', async () => {
      const [row] = (await dataSource.query(`SELECT status FROM provider_movements WHERE id = $1`, [
        movementId,
      ])) as Array<{ status: string }>;
      return row.status === 'completed' ? true : undefined;
    });
    const after = await expectProvidersReconciled(t);
    expect(after.providers.find((p) => p.name === 'circle')?.inTransitMovements).toEqual([]);
    expect(lineOf(after)).toMatchObject({
      ledger: Money.of(clearingBefore - 20_000_000n, 'USDC').toDecimalString(),
      difference: '0.00',
      inTransit: '0.00',
    });
  });
});
