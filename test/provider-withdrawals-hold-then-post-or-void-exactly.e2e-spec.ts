import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { randomUUID } from 'node:crypto';
import { Money } from '#monay/kernel';
import { OutboxRelay } from '#monay/shared';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  setMode,
  startProviderTestApp,
  withdrawRequest,
} from './support/provider-movements';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const DAY = 86_400_000;

describe('provider withdrawals: hold, then post (amount + the actual fee) or void, exactly', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp({
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
    }));
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t.close());

  const allClosed = () =>
    waitFor('every provider breaker closed', async () => {
      const response = await t.http().get('/api/providers/health').set(auth(alice)).expect(200);
      const providers = response.body.providers as Array<{ breaker: string }>;
      return providers.every((p) => p.breaker === 'closed') ? true : undefined;
    });

  it('pays out through Tempo: 201, the hold posted for amount + its fee, the rest released', async () => {
    const key = randomUUID();
    const response = await withdrawRequest(
      t,
      alice,
      { amount: '20.00', currency: 'USDC', destination: 'GB33BUKB20201555555555', speed: 'standard' },
      key,
    );
    expect(response.status).toBe(201);
    const { withdrawal } = response.body;
    expect(response.body.success).toBe(true);
    expect(withdrawal).toMatchObject({
      id: expect.any(String),
      status: 'completed',
      amount: '20.00',
      fee: '0.02',
      debited: '20.02',
      // amount + the highest fee a candidate may charge (Circle's 1.00)
      held: '21.00',
      currency: 'USDC',
      destination: '****5555',
      speed: 'standard',
      provider: 'tempo',
      skippedProviders: [],
      settlementTimeMs: expect.any(Number),
      completedAt: expect.any(String),
    });
    const created = Date.parse(withdrawal.createdAt);
    expect(Date.parse(withdrawal.estimatedArrival.earliest) - created).toBe(DAY);
    expect(Date.parse(withdrawal.estimatedArrival.latest) - created).toBe(3 * DAY);
    expect(JSON.stringify(response.body)).not.toContain('GB33BUKB2020155');
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '79.98',
      pending: '0.00',
      total: '79.98',
    });
    const row = await movementRow(t, withdrawal.id);
    expect(row).toMatchObject({ status: 'completed', provider: 'tempo', fee: '20000', net: '20020000' });
    const hold = await holdOf(t, row.hold_id as string);
    expect({ status: hold.status, amount: hold.amount, posted: hold.postedAmount }).toEqual({
      status: 'posted',
      amount: 21_000_000n,
      posted: 20_020_000n,
    });

    const replay = await withdrawRequest(
      t,
      alice,
      { amount: '20.00', currency: 'USDC', destination: 'GB33BUKB20201555555555', speed: 'standard' },
      key,
    ).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(response.body);
    expect((await balanceOf(t, alice))?.total).toBe('79.98');

    const fetched = await t
      .http()
      .get(`/api/consumer/withdrawals/${withdrawal.id}`)
      .set(auth(alice))
      .expect(200);
    expect(fetched.body).toEqual({ success: true, withdrawal });
    await t.http().get(`/api/consumer/withdrawals/${withdrawal.id}`).set(auth(bob)).expect(404);
    await t.http().get(`/api/consumer/deposits/${withdrawal.id}`).set(auth(alice)).expect(404);
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('an instant withdrawal arrives when it settles', async () => {
    const response = await withdrawRequest(t, alice, { amount: '1.00', speed: 'instant' }).expect(201);
    const { withdrawal } = response.body;
    expect(withdrawal).toMatchObject({ speed: 'instant', provider: 'tempo', fee: '0.001', debited: '1.001' });
    expect(withdrawal.estimatedArrival).toEqual({
      earliest: withdrawal.completedAt,
      latest: withdrawal.completedAt,
    });
    expect((await balanceOf(t, alice))?.total).toBe('78.979');
  });

  const dailyUsed = async (customer: Customer) =>
    (await t.http().get('/api/wallet/limits').set(auth(customer)).expect(200)).body.daily.used as string;

  it('a provider that fails the payout after accepting it: 422 PROVIDER_FAILED, the hold voided, balance and limits restored', async () => {
    const before = await balanceOf(t, alice);
    const usedBefore = await dailyUsed(alice);
    await setMode(t, admin, 'tempo', 'healthy', { failAfterAcceptRate: 1 });
    try {
      const response = await withdrawRequest(t, alice, { amount: '30.00' });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        success: false,
        error: { code: 'PROVIDER_FAILED' },
        withdrawal: { status: 'failed', provider: 'tempo', fee: null, debited: null },
      });
      const row = await movementRow(t, response.body.withdrawal.id);
      expect(row).toMatchObject({ status: 'failed', failure_code: 'PROVIDER_FAILED' });
      expect((await holdOf(t, row.hold_id as string)).status).toBe('voided');
      expect(await balanceOf(t, alice)).toEqual(before);
      // Nothing left the wallet, so nothing counts against the daily limit.
      expect(await dailyUsed(alice)).toBe(usedBefore);
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('no provider up: 503 with every skipped provider, the hold voided, and the key released for a later retry', async () => {
    const before = await balanceOf(t, alice);
    const key = randomUUID();
    for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'outage');
    let refused;
    try {
      refused = await withdrawRequest(t, alice, { amount: '10.00' }, key);
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('PROVIDER_UNAVAILABLE');
      expect(
        (refused.body.error.details.skipped as Array<{ provider: string }>).map((s) => s.provider).sort(),
      ).toEqual(['circle', 'monay', 'tempo']);
      expect(await balanceOf(t, alice)).toEqual(before);
    } finally {
      for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'healthy');
    }
    await allClosed();
    const retried = await withdrawRequest(t, alice, { amount: '10.00' }, key).expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.withdrawal).toMatchObject({
      status: 'completed',
      provider: 'tempo',
      debited: '10.01',
    });
    const replay = await withdrawRequest(t, alice, { amount: '10.00' }, key).expect(201);
    expect(replay.body.withdrawal.id).toBe(retried.body.withdrawal.id);
    expect((await balanceOf(t, alice))?.total).toBe(
      Money.parse(before!.total, 'USDC').minus(Money.parse('10.01', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  itRacesOnPostgres(
    'of 20 concurrent withdrawals of 10.00 from 100.00, those that complete fit; the others are refused for funds',
    async () => {
      const carol = await onboard(t, 'carol');
      await deposit(t, carol, '100.00');
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => withdrawRequest(t, carol, { amount: '10.00' })),
      );
      // On a loaded machine a provider may not settle within the request's wait: a 202 is settled by the
      // poller, and its final state is what counts.
      const settled = await Promise.all(
        responses.map(async (r) => {
          if (r.status !== 202) return r;
          const id = r.body.withdrawal.id as string;
          const body = await waitFor(`withdrawal ${id} settled`, async () => {
            const seen = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(carol)).expect(200);
            return seen.body.withdrawal.status === 'completed' ? seen.body : undefined;
          });
          return { status: 201, body };
        }),
      );
      const completed = settled.filter((r) => r.status === 201);
      const refused = settled.filter((r) => r.status === 422);
      expect(completed.length + refused.length).toBe(20);
      // Each holds 11.00 (10.00 + Circle's fee, the highest): at least nine fit at once.
      expect(completed.length).toBeGreaterThanOrEqual(9);
      expect(new Set(refused.map((r) => r.body.error.code))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
      expect(refused.every((r) => r.body.withdrawal.status === 'failed')).toBe(true);
      const debited = completed.reduce(
        (sum, r) => sum.plus(Money.parse(r.body.withdrawal.debited as string, 'USDC')),
        Money.zero('USDC'),
      );
      expect(debited.lessThanOrEqual(Money.parse('100.00', 'USDC'))).toBe(true);
      const balance = await balanceOf(t, carol);
      expect(balance).toEqual({
        currency: 'USDC',
        available: Money.parse('100.00', 'USDC').minus(debited).toDecimalString(),
        pending: '0.00',
        total: Money.parse('100.00', 'USDC').minus(debited).toDecimalString(),
      });
      expect(Money.parse(balance!.available, 'USDC').isNegative()).toBe(false);

      await t.app.get(OutboxRelay).drain();
      const history = await t
        .http()
        .get('/api/transactions?type=withdrawal&limit=50')
        .set(auth(carol))
        .expect(200);
      const lines = history.body.transactions as Array<{ status: string; amount: string; fee: string }>;
      expect(lines.filter((l) => l.status === 'completed')).toHaveLength(completed.length);
      expect(lines.filter((l) => l.status === 'failed')).toHaveLength(refused.length);
      expect(lines.every((l) => l.amount === '10.00')).toBe(true);
      await expectBooksBalanced(t, [carol]);
      await expectClearingMirrorsProviders(t);
    },
  );

  it('refuses bad input with 400 and moves nothing', async () => {
    const before = await balanceOf(t, alice);
    for (const body of [
      { amount: '5.00', destination: 'a b c d' },
      { amount: '5.00', destination: '123' },
      { amount: '5.00', destination: 'x'.repeat(65) },
      { amount: '5.00', destination: 42 },
      { amount: '5.00', speed: 'warp' },
      { amount: '0', destination: 'GB33BUKB20201555555555' },
      { amount: '5.00', currency: 'DOGE' },
    ]) {
      const response = await withdrawRequest(t, alice, body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    const missing = await t
      .http()
      .post('/api/consumer/withdraw')
      .set(auth(alice))
      .send({ amount: '5.00', currency: 'USDC' });
    expect(missing.status).toBe(400);
    expect(await balanceOf(t, alice)).toEqual(before);
  });

  it('a withdrawal above the balance is refused (422 INSUFFICIENT_FUNDS), recorded and replayed', async () => {
    const key = randomUUID();
    const response = await withdrawRequest(t, bob, { amount: '5.00' }, key).expect(422);
    expect(response.body).toMatchObject({
      success: false,
      error: { code: 'INSUFFICIENT_FUNDS' },
      withdrawal: { status: 'failed', held: null, provider: null },
    });
    const replay = await withdrawRequest(t, bob, { amount: '5.00' }, key).expect(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.withdrawal.id).toBe(response.body.withdrawal.id);
    await expectBooksBalanced(t, [bob]);
  });
});
