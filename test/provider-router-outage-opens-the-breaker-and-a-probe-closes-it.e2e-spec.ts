import { randomUUID } from 'node:crypto';
import { Money } from '#monay/kernel';
import {
  ProviderRouter,
  STABLECOIN_PROVIDERS,
  type ProviderHealthView,
  type StablecoinProvider,
} from '#monay/providers';
import { auth, onboard, type Customer } from './support/money';
import { adminHeader, registerAdmin } from './support/admin';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const THRESHOLD = 3;

describe('provider router: an outage opens the breaker, a probe after recovery closes it', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let customer: Customer;

  beforeAll(async () => {
    // Probes every 200 ms, half-open after 300 ms (test environment); three failures open a breaker.
    t = await startTestApp({ PROVIDER_BREAKER_THRESHOLD: String(THRESHOLD) });
    admin = adminHeader(await registerAdmin(t, 'provider-admin'));
    customer = await onboard(t, 'provider-health');
  });
  afterAll(() => t.close());

  async function health(): Promise<ProviderHealthView[]> {
    const response = await t.http().get('/api/providers/health').set(auth(customer)).expect(200);
    expect(response.body.success).toBe(true);
    return response.body.providers;
  }

  const tempoWhen = (what: string, test: (tempo: ProviderHealthView) => boolean) =>
    waitFor(`tempo ${what}`, async () => {
      const tempo = (await health()).find((provider) => provider.name === 'tempo');
      return tempo && test(tempo) ? tempo : undefined;
    });

  async function setMode(name: string, mode: string): Promise<void> {
    await t.http().put(`/api/admin/providers/${name}/mode`).set(admin).send({ mode }).expect(200);
  }

  const usdc = (amount: string) => Money.parse(amount, 'USDC');

  it('answers 401 without a token', async () => {
    const response = await t.http().get('/api/providers/health').expect(401);
    expect(response.body).toMatchObject({ success: false, error: { code: 'INVALID_TOKEN' } });
    await t.http().get('/api/providers/health').set('Authorization', 'Bearer not-a-token').expect(401);
  });

  it('lists every provider in the default priority order, up after their first probes', async () => {
    await waitFor('a first probe of every provider', async () => {
      const providers = await health();
      return providers.every((provider) => provider.lastProbeOk === true) ? providers : undefined;
    });
    const providers = await health();
    expect(providers.map((provider) => provider.name)).toEqual(['tempo', 'circle', 'monay']);
    for (const provider of providers) {
      expect(provider).toEqual({
        name: provider.name,
        state: 'up',
        breaker: 'closed',
        successRate: '1.00',
        p95LatencyMs: expect.any(Number),
        calls: expect.any(Number),
        lastError: null,
        lastProbeAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        lastProbeOk: true,
      });
      expect(provider.calls).toBeGreaterThanOrEqual(1);
    }
  });

  it('opens Tempo’s breaker once the probes have failed in outage: down, and routing leaves it out', async () => {
    await setMode('tempo', 'outage');
    const tempo = await tempoWhen('down with its breaker open', (p) => p.breaker === 'open');
    expect(tempo).toMatchObject({
      state: 'down',
      lastProbeOk: false,
      lastError: { code: 'PROVIDER_UNAVAILABLE', operation: 'health' },
    });
    expect(Number(tempo.calls)).toBeGreaterThanOrEqual(THRESHOLD);
    // What alerting sees: the breaker gauge says Tempo is out of routing, the others are not.
    const metrics = (await t.http().get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^monay_provider_breaker_open\{provider="tempo"\} 1$/m);
    expect(metrics).toMatch(/^monay_provider_breaker_open\{provider="circle"\} 0$/m);
    expect(metrics).toMatch(/^monay_provider_breaker_open\{provider="monay"\} 0$/m);

    const plan = t.app.get(ProviderRouter).plan({
      operation: 'transferOut',
      currency: 'USDC',
      amount: usdc('10.00'),
      urgency: 'instant',
    });
    expect(plan.candidates).toEqual(['monay', 'circle']);
    expect(plan.skipped).toEqual([{ provider: 'tempo', reason: 'breaker_open', detail: expect.any(String) }]);

    const others = (await health()).filter((provider) => provider.name !== 'tempo');
    expect(others.map((provider) => [provider.name, provider.breaker, provider.state])).toEqual([
      ['circle', 'closed', 'up'],
      ['monay', 'closed', 'up'],
    ]);
  });

  it('closes it again after a successful probe once Tempo is healthy', async () => {
    await setMode('tempo', 'healthy');
    const tempo = await tempoWhen('closed again', (p) => p.breaker === 'closed');
    // Closed and probed fine, but the window still holds the outage's failed probes: degraded, not down.
    expect(tempo).toMatchObject({ lastProbeOk: true, state: 'degraded' });
    expect(tempo.successRate! < '0.95').toBe(true);
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(
      /^monay_provider_breaker_open\{provider="tempo"\} 0$/m,
    );
    expect(
      t.app.get(ProviderRouter).plan({
        operation: 'transferOut',
        currency: 'USDC',
        amount: usdc('10.00'),
        urgency: 'standard',
      }).candidates,
    ).toEqual(['tempo', 'circle', 'monay']);
  });

  it('after a timeout asks Tempo for the transaction and, found there, never sends it elsewhere', async () => {
    await setMode('tempo', 'timeout'); // the sandbox records the transfer but never answers
    const key = randomUUID();
    const amount = usdc('12.50');
    const outcome = await t.app
      .get(ProviderRouter)
      .execute({ operation: 'transferOut', currency: 'USDC', amount, urgency: 'standard' }, key, (provider) =>
        provider.transferOut({ idempotencyKey: key, amount, to: `0x${'b'.repeat(40)}` }),
      );
    await setMode('tempo', 'healthy');
    expect(outcome).toMatchObject({
      outcome: 'accepted',
      provider: 'tempo',
      value: { provider: 'tempo', idempotencyKey: key, amount: 12_500_000n, currency: 'USDC' },
      skipped: [],
    });
    // The answer came from the status query, after the call's deadline.
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(Number(t.env.PROVIDER_CALL_TIMEOUT_MS));
    const adapters = t.app.get<StablecoinProvider[]>(STABLECOIN_PROVIDERS);
    const elsewhere = await Promise.all(
      adapters.filter((a) => a.name !== 'tempo').map((a) => a.getTransactionStatus(key)),
    );
    expect(elsewhere).toEqual([null, null]);
  });

  it('exports provider call latencies to Prometheus', async () => {
    const response = await t.http().get('/metrics').expect(200);
    expect(response.text).toMatch(
      /monay_provider_call_seconds_count\{provider="tempo",operation="health",outcome="success"\} \d+/,
    );
    expect(response.text).toMatch(
      /monay_provider_call_seconds_count\{provider="tempo",operation="health",outcome="unavailable"\} \d+/,
    );
  });
});
