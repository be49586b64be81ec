import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import { LedgerService } from '#monay/ledger';
import { STABLECOIN_PROVIDERS, type StablecoinProvider } from '#monay/providers';
import { JobBackend, QueueName, type JobName } from '#monay/shared';
import { auth, type Customer } from './money';
import { adminHeader, registerAdmin } from './admin';
import { startTestApp, type TestApp } from './test-app';

/** A test app with an admin who can switch the sandbox providers' modes. */
export async function startProviderTestApp(
  overrides: NodeJS.ProcessEnv = {},
): Promise<{ t: TestApp; admin: { Authorization: string } }> {
  const t = await startTestApp(overrides);
  return { t, admin: adminHeader(await registerAdmin(t, 'provider-admin')) };
}

export async function setMode(
  t: TestApp,
  admin: { Authorization: string },
  name: string,
  mode: 'healthy' | 'degraded' | 'outage' | 'timeout',
  extra: {
    failureRate?: number;
    addedLatencyMs?: number;
    failAfterAcceptRate?: number;
    late?: boolean;
    lateByMs?: number;
  } = {},
): Promise<void> {
  await t
    .http()
    .put(`/api/admin/providers/${name}/mode`)
    .set(admin)
    .send({ mode, ...extra })
    .expect(200);
}

export function depositRequest(
  t: TestApp,
  customer: Customer,
  body: Record<string, unknown>,
  key: string = randomUUID(),
) {
  return t.http().post('/api/consumer/deposit').set(auth(customer)).set('Idempotency-Key', key).send(body);
}

export function withdrawRequest(
  t: TestApp,
  customer: Customer,
  body: Record<string, unknown>,
  key: string = randomUUID(),
) {
  return t
    .http()
    .post('/api/consumer/withdraw')
    .set(auth(customer))
    .set('Idempotency-Key', key)
    .send({ destination: 'GB33BUKB20201555555555', ...body });
}

export function adapterOf(t: TestApp, name: string): StablecoinProvider {
  const adapter = (t.app.get(STABLECOIN_PROVIDERS) as StablecoinProvider[]).find((p) => p.name === name);
  if (!adapter) throw new Error(`no ${name} adapter`);
  return adapter;
}

/**
 * Each provider clearing account mirrors the provider: its ledger balance is minus our omnibus balance there,
 * in every currency (the sandbox's own books, asked through the adapter as the app would).
 */
export async function expectClearingMirrorsProviders(t: TestApp): Promise<void> {
  const ledger = t.app.get(LedgerService);
  const manager = t.app.get(DataSource).manager;
  for (const adapter of t.app.get(STABLECOIN_PROVIDERS) as StablecoinProvider[]) {
    const balances = await adapter.getBalances();
    for (const currency of ['USDC', 'USDT', 'PYUSD', 'EURC'] as CurrencyCode[]) {
      const atProvider = balances.find((b) => b.currency === currency)?.amount ?? 0n;
      const clearing = await ledger.systemBalance(manager, currency, 'provider_clearing', adapter.name);
      expect({ provider: adapter.name, currency, clearing }).toEqual({
        provider: adapter.name,
        currency,
        clearing: -atProvider,
      });
    }
  }
}

/** A movement's row, as the engine recorded it. */
export async function movementRow(t: TestApp, id: string): Promise<Record<string, unknown>> {
  const [row] = (await t.app
    .get(DataSource)
    .query(
      `SELECT status, provider, fee::text AS fee, net_amount::text AS net, hold_id, ledger_transaction_id, failure_code FROM provider_movements WHERE id = $1`,
      [id],
    )) as Array<Record<string, unknown>>;
  return row;
}

/** The ledger hold's status (pending, posted, voided, expired) and amounts. */
export async function holdOf(t: TestApp, holdId: string) {
  return t.app.get(LedgerService).getHold(t.app.get(DataSource).manager, holdId);
}

/**
 * What the runs of a provider job (`PollProviderTransactions`, `WatchTempoDeposits`) that finished at or after
 * `since` returned. The job also runs on its every-minute schedule: when a minute turns during a test, that run may
 * do the work before the run the test started, so a test counts across all of them.
 */
export async function providerJobResultsSince<T>(t: TestApp, name: JobName, since: number): Promise<T[]> {
  const runs = await t.app.get(JobBackend).queue(QueueName.Providers).getJobs(['completed']);
  return runs
    .filter((job) => job.name === name && (job.finishedOn ?? 0) >= since)
    .map((job) => job.returnvalue as T);
}
