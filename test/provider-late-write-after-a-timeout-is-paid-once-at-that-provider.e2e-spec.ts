import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { AppConfig, Clock } from '#monay/shared';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  adapterOf,
  depositRequest,
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  setMode,
  startProviderTestApp,
  withdrawRequest,
} from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Tempo accepts the call but its write lands late: after the call timed out AND after the router asked Tempo for
 * the transaction ("not found"). A router that took that "not found" for a no would send the movement to Circle,
 * and Tempo would pay it too: paid twice, booked once. The movement belongs to Tempo until Tempo answers for it.
 */
/** How long a movement stays with a provider that timed out on it and says "not found" (default: 15 minutes). */
const QUARANTINE_MS = 6_000;

describe('provider late write: a movement Tempo received late is paid once, at Tempo, and nowhere else', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp({
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
      PROVIDER_AMBIGUOUS_QUARANTINE_MS: String(QUARANTINE_MS),
    }));
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '200.00');
  });
  afterAll(() => t.close());

  const untilBreakersClose = () =>
    waitFor('every breaker closed', async () => {
      const response = await t.http().get('/api/providers/health').set(auth(alice)).expect(200);
      const providers = response.body.providers as Array<{ breaker: string }>;
      return providers.every((provider) => provider.breaker === 'closed') ? true : undefined;
    });

  /** Every sandbox transaction any provider holds under this idempotency key (our movement id). */
  const pollAttemptsOf = async (id: string) => {
    const [row] = (await t.app
      .get(DataSource)
      .query(`SELECT poll_attempts FROM provider_movements WHERE id = $1`, [id])) as Array<{
      poll_attempts: number;
    }>;
    return Number(row.poll_attempts);
  };

  const paidUnder = async (key: string) =>
    (await t.app.get(DataSource).query(
      `SELECT provider, operation, amount::text AS amount FROM sandbox_provider_transactions
          WHERE idempotency_key = $1 ORDER BY provider`,
      [key],
    )) as Array<{ provider: string; operation: string; amount: string }>;

  /** Waits until Tempo has the key, then long enough for any other late write to have landed too. */
  const afterTheLateWrites = async (key: string) => {
    await waitFor('the late write to land at Tempo', async () =>
      (await adapterOf(t, 'tempo').getTransactionStatus(key)) ? true : undefined,
    );
    const { callTimeoutMs } = t.app.get(AppConfig).providers;
    await new Promise((resolve) => setTimeout(resolve, 2 * callTimeoutMs));
  };

  it('a withdrawal: completes at Tempo exactly once, Circle and Monay never hear of it, the books agree', async () => {
    await untilBreakersClose();
    const before = await balanceOf(t, alice);
    await setMode(t, admin, 'tempo', 'timeout', { late: true });
    let response;
    try {
      response = await withdrawRequest(t, alice, { amount: '25.00' });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect([201, 202]).toContain(response.status);
    const id = response.body.withdrawal.id as string;
    expect(response.body.withdrawal.provider).toBe('tempo');
    const withdrawal = await waitFor('the withdrawal to complete', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? got.body.withdrawal : undefined;
    });
    expect(withdrawal).toMatchObject({ provider: 'tempo', fee: '0.025', debited: '25.025' });

    await afterTheLateWrites(id);
    expect(await paidUnder(id)).toEqual([{ provider: 'tempo', operation: 'withdraw', amount: '25000000' }]);
    expect(await adapterOf(t, 'tempo').getTransactionStatus(id)).toMatchObject({ status: 'completed' });

    // Posted once, from its hold, for amount + Tempo's fee.
    const row = await movementRow(t, id);
    expect(row).toMatchObject({ status: 'completed', provider: 'tempo' });
    expect(await holdOf(t, row.hold_id as string)).toMatchObject({
      status: 'posted',
      postedAmount: 25_025_000n,
    });
    expect((await balanceOf(t, alice))?.total).toBe(
      Money.parse(before!.total, 'USDC').minus(Money.parse('25.025', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
  });

  it('a deposit: credited once, at Tempo, nothing at Circle or Monay', async () => {
    await untilBreakersClose();
    const before = await balanceOf(t, alice);
    await setMode(t, admin, 'tempo', 'timeout', { late: true });
    let response;
    try {
      response = await depositRequest(t, alice, { amount: '40.00', currency: 'USDC' });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect([201, 202]).toContain(response.status);
    const id = response.body.deposit.id as string;
    const credited = await waitFor('the deposit to be credited', async () => {
      const got = await t.http().get(`/api/consumer/deposits/${id}`).set(auth(alice)).expect(200);
      return got.body.deposit.status === 'completed' ? got.body.deposit : undefined;
    });
    expect(credited).toMatchObject({ provider: 'tempo', fee: '0.04', credited: '39.96' });
    await afterTheLateWrites(id);
    expect(await paidUnder(id)).toEqual([{ provider: 'tempo', operation: 'deposit', amount: '40000000' }]);
    expect((await balanceOf(t, alice))?.total).toBe(
      Money.parse(before!.total, 'USDC').plus(Money.parse('39.96', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('a write so late that the request gives up: 202 at Tempo, never sent elsewhere, the poller completes it once', async () => {
    await untilBreakersClose();
    const before = await balanceOf(t, alice);
    // Lands 2.5 s after the timeout: after the request's status queries and its re-submission.
    await setMode(t, admin, 'tempo', 'timeout', { late: true, lateByMs: 2_500 });
    let response;
    try {
      response = await withdrawRequest(t, alice, { amount: '5.00' });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(response.status).toBe(202);
    expect(response.body.withdrawal).toMatchObject({ status: 'processing', provider: 'tempo', held: '6.00' });
    const id = response.body.withdrawal.id as string;
    // Whether the late write has landed yet depends on how busy the machine is; that it can only be at Tempo
    // does not.
    expect((await paidUnder(id)).filter((paid) => paid.provider !== 'tempo')).toEqual([]);
    // Held throughout, never released to go elsewhere.
    expect((await balanceOf(t, alice))?.available).toBe(
      Money.parse(before!.available, 'USDC').minus(Money.parse('6.00', 'USDC')).toDecimalString(),
    );
    const withdrawal = await waitFor('the poller to complete it at Tempo', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? got.body.withdrawal : undefined;
    });
    expect(withdrawal).toMatchObject({ provider: 'tempo', fee: '0.005', debited: '5.005' });
    await afterTheLateWrites(id);
    expect(await paidUnder(id)).toEqual([{ provider: 'tempo', operation: 'withdraw', amount: '5000000' }]);
    expect((await balanceOf(t, alice))?.total).toBe(
      Money.parse(before!.total, 'USDC').minus(Money.parse('5.005', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('Circle and Monay down too: the client is never told 503 (a retry would pay again); paid once at Tempo', async () => {
    await untilBreakersClose();
    const key = randomUUID();
    await setMode(t, admin, 'circle', 'outage');
    await setMode(t, admin, 'monay', 'outage');
    await setMode(t, admin, 'tempo', 'timeout', { late: true });
    let response;
    try {
      response = await withdrawRequest(t, alice, { amount: '3.00' }, key);
    } finally {
      for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'healthy');
    }
    expect([201, 202]).toContain(response.status);
    const id = response.body.withdrawal.id as string;
    await waitFor('the withdrawal to complete', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? true : undefined;
    });
    // The client's retry with its key is the same movement, answered as it ended.
    const retried = await withdrawRequest(t, alice, { amount: '3.00' }, key).expect(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body.withdrawal).toMatchObject({ id, status: 'completed', provider: 'tempo' });
    await afterTheLateWrites(id);
    expect(await paidUnder(id)).toEqual([{ provider: 'tempo', operation: 'withdraw', amount: '3000000' }]);
    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('a provider that never answers for it: kept there for the quarantine, re-submitted, then re-routed once', async () => {
    await untilBreakersClose();
    const before = await balanceOf(t, alice);
    // Tempo's writes would land in 10 minutes: for this test, never.
    await setMode(t, admin, 'tempo', 'timeout', { late: true, lateByMs: 600_000 });
    let response;
    let id: string;
    try {
      response = await withdrawRequest(t, alice, { amount: '4.00' });
      expect(response.status).toBe(202);
      id = response.body.withdrawal.id as string;
      expect(response.body.withdrawal).toMatchObject({ status: 'processing', provider: 'tempo' });
      // Within the quarantine it stays at Tempo, held, whatever Tempo says: the poller has asked twice.
      await waitFor('the poller to ask Tempo twice', async () =>
        (await pollAttemptsOf(id)) >= 2 ? true : undefined,
      );
      expect(await movementRow(t, id)).toMatchObject({ status: 'processing', provider: 'tempo' });
      expect(await paidUnder(id)).toEqual([]);
      // The quarantine passes on the application's clock: the next check re-routes it.
      await t.app.get(Clock).advance(QUARANTINE_MS);
      const withdrawal = await waitFor('the poller to re-route it after the quarantine', async () => {
        const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
        return got.body.withdrawal.status === 'completed' ? got.body.withdrawal : undefined;
      });
      expect(withdrawal).toMatchObject({ provider: 'circle', fee: '1.00', debited: '5.00' });
      expect(withdrawal.skippedProviders).toEqual([
        expect.objectContaining({ provider: 'tempo', reason: 'quarantined' }),
      ]);
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(await paidUnder(id)).toEqual([{ provider: 'circle', operation: 'withdraw', amount: '4000000' }]);
    expect((await balanceOf(t, alice))?.total).toBe(
      Money.parse(before!.total, 'USDC').minus(Money.parse('5.00', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('a retry after 503 is the same movement with the same provider key: a provider that got the first late pays once', async () => {
    await untilBreakersClose();
    const key = randomUUID();
    const before = await balanceOf(t, alice);
    for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'outage');
    let refused;
    try {
      refused = await withdrawRequest(t, alice, { amount: '7.00' }, key);
    } finally {
      for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'healthy');
    }
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('PROVIDER_UNAVAILABLE');
    const [first] = (await t.app
      .get(DataSource)
      .query(`SELECT id::text AS id FROM provider_movements WHERE user_id = $1 AND idempotency_key = $2`, [
        alice.userId,
        key,
      ])) as Array<{ id: string }>;
    // The first request did reach Tempo after all (a real provider may answer 503 and still process it): its
    // write lands now, under the movement's id, our idempotency key there.
    const late = await adapterOf(t, 'tempo').withdraw({
      idempotencyKey: first.id,
      amount: Money.parse('7.00', 'USDC'),
      destination: 'GB33BUKB20201555555555',
      speed: 'standard',
    });
    expect(late.idempotencyKey).toBe(first.id);

    await untilBreakersClose();
    const retried = await withdrawRequest(t, alice, { amount: '7.00' }, key);
    expect([201, 202]).toContain(retried.status);
    expect(retried.body.withdrawal.id).toBe(first.id);
    await waitFor('the retried withdrawal to complete', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${first.id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? true : undefined;
    });
    const movements = (await t.app
      .get(DataSource)
      .query(
        `SELECT id::text AS id, status FROM provider_movements WHERE user_id = $1 AND idempotency_key = $2`,
        [alice.userId, key],
      )) as Array<{ id: string; status: string }>;
    expect(movements).toEqual([{ id: first.id, status: 'completed' }]);
    // One payment at the providers for the client's request, booked once.
    expect(await paidUnder(first.id)).toEqual([
      { provider: 'tempo', operation: 'withdraw', amount: '7000000' },
    ]);
    expect((await balanceOf(t, alice))?.total).toBe(
      Money.parse(before!.total, 'USDC').minus(Money.parse('7.007', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
  });
});
