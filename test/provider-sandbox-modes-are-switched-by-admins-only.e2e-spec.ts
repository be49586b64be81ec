import { randomUUID } from 'node:crypto';
import { Money } from '#monay/kernel';
import {
  ProviderTimeoutError,
  ProviderUnavailableError,
  STABLECOIN_PROVIDERS,
  type StablecoinProvider,
} from '#monay/providers';
import { SandboxControl } from '#monay/providers/testing';
import { auth, onboard, type Customer } from './support/money';
import { adminHeader, registerAdmin } from './support/admin';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('provider sandbox: admins switch modes at run time', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let customer: Customer;

  beforeAll(async () => {
    t = await startTestApp({ PROVIDER_MODE_MONAY: 'degraded' });
    admin = adminHeader(await registerAdmin(t));
    customer = await onboard(t, 'customer');
  });
  afterAll(() => t.close());

  const tempo = () =>
    t.app.get<StablecoinProvider[]>(STABLECOIN_PROVIDERS).find((provider) => provider.name === 'tempo')!;

  it('lists every provider in its configured start mode', async () => {
    const response = await t.http().get('/api/admin/providers').set(admin).expect(200);
    expect(response.body.success).toBe(true);
    expect(response.body.providers).toEqual([
      expect.objectContaining({ name: 'tempo', mode: 'healthy', failureRate: 0, addedLatencyMs: 0 }),
      expect.objectContaining({ name: 'circle', mode: 'healthy', failureRate: 0, addedLatencyMs: 0 }),
      // PROVIDER_MODE_MONAY=degraded, with the degraded defaults
      expect.objectContaining({ name: 'monay', mode: 'degraded', failureRate: 0.3, addedLatencyMs: 400 }),
    ]);
    for (const provider of response.body.providers) {
      expect(provider.failAfterAcceptRate).toBe(0);
      expect(new Date(provider.updatedAt).toISOString()).toBe(provider.updatedAt);
    }
  });

  it('puts a provider into outage: 200 with the new settings, seen by GET and by the adapter at once', async () => {
    const response = await t
      .http()
      .put('/api/admin/providers/tempo/mode')
      .set(admin)
      .send({ mode: 'outage' })
      .expect(200);
    expect(response.body).toEqual({
      success: true,
      provider: {
        name: 'tempo',
        mode: 'outage',
        failureRate: 0,
        addedLatencyMs: 0,
        failAfterAcceptRate: 0,
        late: false,
        lateByMs: null,
        updatedAt: expect.any(String),
      },
    });
    const listed = await t.http().get('/api/admin/providers').set(admin).expect(200);
    expect(listed.body.providers[0]).toEqual(response.body.provider);
    await expect(
      tempo().deposit({ idempotencyKey: randomUUID(), amount: Money.parse('5.00', 'USDC'), method: 'bank' }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);

    await t.http().put('/api/admin/providers/tempo/mode').set(admin).send({ mode: 'healthy' }).expect(200);
    const accepted = await tempo().deposit({
      idempotencyKey: randomUUID(),
      amount: Money.parse('5.00', 'USDC'),
      method: 'bank',
    });
    expect(accepted.provider).toBe('tempo');
  });

  it('takes explicit rates and latency, and a later PUT replaces them with the mode defaults', async () => {
    const set = await t
      .http()
      .put('/api/admin/providers/circle/mode')
      .set(admin)
      .send({ mode: 'degraded', failureRate: 1, addedLatencyMs: 0, failAfterAcceptRate: 0.25 })
      .expect(200);
    expect(set.body.provider).toMatchObject({
      mode: 'degraded',
      failureRate: 1,
      addedLatencyMs: 0,
      failAfterAcceptRate: 0.25,
    });
    expect(await t.app.get(SandboxControl).settingsOf('circle')).toMatchObject({
      mode: 'degraded',
      failureRate: 1,
    });

    const reset = await t
      .http()
      .put('/api/admin/providers/circle/mode')
      .set(admin)
      .send({ mode: 'degraded' })
      .expect(200);
    expect(reset.body.provider).toMatchObject({
      mode: 'degraded',
      failureRate: 0.3,
      addedLatencyMs: 400,
      failAfterAcceptRate: 0,
    });
    await t.http().put('/api/admin/providers/circle/mode').set(admin).send({ mode: 'healthy' }).expect(200);
  });

  it('puts a provider into timeout mode with a late write: the call times out, the status says nothing, then it is paid', async () => {
    const set = await t
      .http()
      .put('/api/admin/providers/tempo/mode')
      .set(admin)
      .send({ mode: 'timeout', late: true, lateByMs: 300 })
      .expect(200);
    expect(set.body.provider).toMatchObject({ mode: 'timeout', late: true, lateByMs: 300 });
    const key = randomUUID();
    try {
      await expect(
        tempo().deposit({ idempotencyKey: key, amount: Money.parse('5.00', 'USDC'), method: 'bank' }),
      ).rejects.toBeInstanceOf(ProviderTimeoutError);
      expect(await tempo().getTransactionStatus(key)).toBeNull();
    } finally {
      await t.http().put('/api/admin/providers/tempo/mode').set(admin).send({ mode: 'healthy' }).expect(200);
    }
    const landed = await waitFor(
      'the late write to land',
      async () => (await tempo().getTransactionStatus(key)) ?? undefined,
    );
    expect(landed).toMatchObject({ idempotencyKey: key, amount: 5_000_000n });
    // Back to healthy, a PUT without `late` means no late write.
    expect((await t.app.get(SandboxControl).settingsOf('tempo')).late).toBe(false);
  });

  it.each([
    ['no mode', {}],
    ['an unknown mode', { mode: 'broken' }],
    ['a failure rate above 1', { mode: 'degraded', failureRate: 1.5 }],
    ['a negative failure rate', { mode: 'degraded', failureRate: -0.1 }],
    ['a failure rate as a string', { mode: 'degraded', failureRate: '0.5' }],
    ['a fractional latency', { mode: 'degraded', addedLatencyMs: 10.5 }],
    ['a negative latency', { mode: 'healthy', addedLatencyMs: -1 }],
    ['a fail-after-accept rate above 1', { mode: 'healthy', failAfterAcceptRate: 2 }],
    ['an unknown field', { mode: 'healthy', chaos: true }],
    ['a late write outside timeout mode', { mode: 'healthy', late: true }],
    ['a late delay outside timeout mode', { mode: 'degraded', lateByMs: 100 }],
    ['late as a string', { mode: 'timeout', late: 'yes' }],
    ['a negative late delay', { mode: 'timeout', late: true, lateByMs: -1 }],
  ])('refuses %s with 400 VALIDATION_FAILED and changes nothing', async (_label, body) => {
    const before = await t.http().get('/api/admin/providers').set(admin).expect(200);
    const response = await t.http().put('/api/admin/providers/monay/mode').set(admin).send(body).expect(400);
    expect(response.body).toMatchObject({ success: false, error: { code: 'VALIDATION_FAILED' } });
    const after = await t.http().get('/api/admin/providers').set(admin).expect(200);
    expect(after.body.providers).toEqual(before.body.providers);
  });

  it('answers 404 NOT_FOUND for a provider that has no sandbox', async () => {
    const response = await t
      .http()
      .put('/api/admin/providers/stripe/mode')
      .set(admin)
      .send({ mode: 'outage' })
      .expect(404);
    expect(response.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
  });

  it('keeps the routes for admins: 401 without a token, 403 FORBIDDEN for a customer', async () => {
    await t.http().get('/api/admin/providers').expect(401);
    await t.http().put('/api/admin/providers/tempo/mode').send({ mode: 'outage' }).expect(401);
    const listed = await t.http().get('/api/admin/providers').set(auth(customer)).expect(403);
    expect(listed.body.error.code).toBe('FORBIDDEN');
    const forbidden = await t
      .http()
      .put('/api/admin/providers/tempo/mode')
      .set(auth(customer))
      .send({ mode: 'outage' })
      .expect(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    expect((await t.app.get(SandboxControl).settingsOf('tempo')).mode).toBe('healthy');
  });
});
