import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from './support/money';
import { depositRequest, setMode, startProviderTestApp } from './support/provider-movements';
import { asAdmin } from './support/reconciliation';
import type { TestApp } from './support/test-app';

/**
 * Deposits count against the KYC tier's limits as money out does (level 1: 1,000 USD per transaction and per
 * day, 30,000 per month), on counters of their own: what was deposited does not use up what may be sent. A
 * deposit refused for a limit is its outcome (422 LIMIT_EXCEEDED, replayed for its key, nothing sent to a
 * provider); one that fails at the provider, or that no provider takes, gives its count back.
 */
describe('provider deposits count against the KYC tier limits, on counters of their own', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    ({ t } = await startProviderTestApp());
    admin = await asAdmin(t);
    alice = await onboard(t, 'alice');
    bob = await onboard(t, 'bob');
  });
  afterAll(() => t.close());

  const limits = async (customer: Customer) =>
    (await t.http().get('/api/wallet/limits').set(auth(customer)).expect(200)).body;
  const sentToProviders = async (id: string) =>
    (
      (await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM sandbox_provider_transactions WHERE idempotency_key = $1`, [
          id,
        ])) as Array<{ n: number }>
    )[0].n;

  it('counts a deposit against the daily deposit limit, and only that', async () => {
    await depositRequest(t, alice, { amount: '600.00' }).expect(201);
    expect(await limits(alice)).toMatchObject({
      daily: { limit: '1000.00', used: '0.00', remaining: '1000.00' },
      deposits: {
        perTransaction: '1000.00',
        daily: { limit: '1000.00', used: '600.00', remaining: '400.00' },
        monthly: { limit: '30000.00', used: '600.00', remaining: '29400.00' },
      },
    });
  });

  it('refuses a deposit past the daily deposit limit: 422 LIMIT_EXCEEDED, nothing sent, replayed for its key', async () => {
    const key = randomUUID();
    const refused = await depositRequest(t, alice, { amount: '500.00' }, key).expect(422);
    expect(refused.body).toMatchObject({
      success: false,
      error: {
        code: 'LIMIT_EXCEEDED',
        message: 'This would exceed your daily deposit limit',
      },
      deposit: { status: 'failed' },
    });
    expect(await sentToProviders(refused.body.deposit.id as string)).toBe(0);
    const replay = await depositRequest(t, alice, { amount: '500.00' }, key).expect(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    const tooBig = await depositRequest(t, bob, { amount: '1000.01' }).expect(422);
    expect(tooBig.body.error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'This would exceed your per-transaction deposit limit',
    });
    expect((await limits(alice)).deposits.daily.used).toBe('600.00');
  });

  it('gives the count back when the provider fails the deposit, or no provider takes it', async () => {
    await setMode(t, admin, 'tempo', 'healthy', { failAfterAcceptRate: 1 });
    try {
      const failed = await depositRequest(t, alice, { amount: '300.00' });
      expect(failed.status).toBe(422);
      expect(failed.body.error.code).toBe('PROVIDER_FAILED');
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'outage');
    try {
      const unavailable = await depositRequest(t, alice, { amount: '300.00' });
      expect(unavailable.status).toBe(503);
    } finally {
      for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'healthy');
    }
    expect((await limits(alice)).deposits.daily.used).toBe('600.00');
    await depositRequest(t, alice, { amount: '400.00' }).expect(201);
    expect((await limits(alice)).deposits.daily).toEqual({
      limit: '1000.00',
      used: '1000.00',
      remaining: '0.00',
      resetsAt: expect.any(String),
    });
  });

  it('leaves what may be sent alone: a day of deposits, then a day of sends', async () => {
    await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.email, amount: '900.00' })
      .expect(201);
    expect(await limits(alice)).toMatchObject({
      daily: { used: '900.00' },
      deposits: { daily: { used: '1000.00' } },
    });
    expect(await balanceOf(t, bob)).toMatchObject({ total: '900.00' });
    await expectBooksBalanced(t, [alice, bob]);
  });
});
