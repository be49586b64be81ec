import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ProviderRouter } from '#monay/providers';
import { Clock } from '#monay/shared';
import { balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  adapterOf,
  depositRequest,
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  startProviderTestApp,
  withdrawRequest,
} from './support/provider-movements';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Movements are given up (no provider has them) 5 minutes after they were recorded — not before. Real time never
 * gets there in this file; the sandbox clock is moved past it (below the access tokens' 15-minute life).
 */
const RESOLVE_AFTER_MS = 5 * 60_000;

describe('provider movements a crash left behind are finished by the poller', () => {
  let t: TestApp;
  let alice: Customer;

  beforeAll(async () => {
    // The route budget (3 providers × 2 × 200 ms + 300 ms + 1 s = 2.5 s) stays under the bound.
    ({ t } = await startProviderTestApp({
      PROVIDER_CALL_TIMEOUT_MS: '200',
      PROVIDER_SETTLE_WAIT_MS: '300',
      PROVIDER_PENDING_RESOLVE_AFTER_MS: String(RESOLVE_AFTER_MS),
    }));
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t.close());

  /** The process "dies" after the first step: the movement is recorded (and its funds held), nothing is routed. */
  function crashBeforeRouting(): void {
    jest
      .spyOn(t.app.get(ProviderRouter), 'execute')
      .mockImplementationOnce(() => Promise.reject(new Error('the process died before routing')));
  }

  /** The process "dies" right after the provider accepted the call, before settling anything. */
  function crashAfterTheProviderAccepted(): void {
    const router = t.app.get(ProviderRouter);
    const real = router.execute.bind(router);
    jest.spyOn(router, 'execute').mockImplementationOnce(async (...args) => {
      await real(...args);
      throw new Error('the process died after the provider accepted');
    });
  }

  const statusOf = async (id: string) => (await movementRow(t, id)).status as string;
  const pollAttemptsOf = async (id: string) => {
    const [row] = (await t.app
      .get(DataSource)
      .query(`SELECT poll_attempts FROM provider_movements WHERE id = $1`, [id])) as Array<{
      poll_attempts: number;
    }>;
    return Number(row.poll_attempts);
  };

  it('a withdrawal never routed: funds held, its key busy, then failed PROVIDER_STUCK past the bound, hold voided', async () => {
    const key = randomUUID();
    crashBeforeRouting();
    const crashed = await withdrawRequest(t, alice, { amount: '30.00' }, key);
    expect(crashed.status).toBe(500);
    const [{ id }] = (await t.app
      .get(DataSource)
      .query(`SELECT id FROM provider_movements WHERE idempotency_key = $1`, [key])) as Array<{ id: string }>;
    expect(await movementRow(t, id)).toMatchObject({ status: 'pending', provider: null });
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '69.00',
      pending: '31.00',
      total: '100.00',
    });
    // The client retries: still in flight.
    const busy = await withdrawRequest(t, alice, { amount: '30.00' }, key);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('IDEMPOTENCY_CONFLICT');

    // The poller asks every provider that could have it; nobody has: left alone until the bound. (A second
    // claim means the first check has finished and rescheduled it.)
    await waitFor('the poller to have checked it', async () =>
      (await pollAttemptsOf(id)) >= 2 ? true : undefined,
    );
    expect(await statusOf(id)).toBe('pending');
    // The bound passes on the application's clock: the next check gives it up.
    await t.app.get(Clock).advance(RESOLVE_AFTER_MS);
    await waitFor('the poller to give the withdrawal up', async () =>
      (await statusOf(id)) === 'failed' ? true : undefined,
    );
    const row = await movementRow(t, id);
    expect(row).toMatchObject({ status: 'failed', failure_code: 'PROVIDER_STUCK' });
    expect((await holdOf(t, row.hold_id as string)).status).toBe('voided');
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '100.00',
      pending: '0.00',
      total: '100.00',
    });
    const answered = await withdrawRequest(t, alice, { amount: '30.00' }, key).expect(422);
    expect(answered.headers['idempotent-replayed']).toBe('true');
    expect(answered.body).toMatchObject({
      error: { code: 'PROVIDER_STUCK' },
      withdrawal: { id, status: 'failed' },
    });
    for (const name of ['tempo', 'circle', 'monay']) {
      expect(await adapterOf(t, name).getTransactionStatus(id)).toBeNull();
    }
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('a withdrawal the provider paid out before the crash: found there by the poller and posted once', async () => {
    const key = randomUUID();
    crashAfterTheProviderAccepted();
    expect((await withdrawRequest(t, alice, { amount: '40.00' }, key)).status).toBe(500);
    const [{ id }] = (await t.app
      .get(DataSource)
      .query(`SELECT id FROM provider_movements WHERE idempotency_key = $1`, [key])) as Array<{ id: string }>;
    expect(await statusOf(id)).toBe('pending');
    expect(await adapterOf(t, 'tempo').getTransactionStatus(id)).toMatchObject({ status: 'completed' });

    await waitFor('the poller to post the withdrawal', async () =>
      (await statusOf(id)) === 'completed' ? true : undefined,
    );
    expect(await movementRow(t, id)).toMatchObject({ provider: 'tempo', fee: '40000', net: '40040000' });
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '59.96',
      pending: '0.00',
      total: '59.96',
    });
    const answered = await withdrawRequest(t, alice, { amount: '40.00' }, key).expect(201);
    expect(answered.headers['idempotent-replayed']).toBe('true');
    expect(answered.body.withdrawal).toMatchObject({ id, status: 'completed', debited: '40.04' });
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('a deposit the provider confirmed before the crash is credited once by the poller', async () => {
    const key = randomUUID();
    crashAfterTheProviderAccepted();
    expect((await depositRequest(t, alice, { amount: '10.00', currency: 'USDC' }, key)).status).toBe(500);
    const [{ id }] = (await t.app
      .get(DataSource)
      .query(`SELECT id FROM provider_movements WHERE idempotency_key = $1`, [key])) as Array<{ id: string }>;
    await waitFor('the poller to credit the deposit', async () =>
      (await statusOf(id)) === 'completed' ? true : undefined,
    );
    expect((await balanceOf(t, alice))?.total).toBe('69.95');
    const answered = await depositRequest(t, alice, { amount: '10.00', currency: 'USDC' }, key).expect(201);
    expect(answered.body).toMatchObject({ provider: 'tempo', credited: '9.99', deposit: { id } });
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });
});
