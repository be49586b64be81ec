import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { registerAdmin } from './support/admin';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { advanceClock } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Auto-balance: a minimum of the preferred currency restored by a swap after a large payment; target shares restored
 * by the scheduled sweep (the sandbox clock); invalid targets refused.
 */
describe('auto-balance', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startTestApp({ AUTO_BALANCE_INTERVAL_MINUTES: '10' });
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, bob, '60.00', 'USDC');
    await deposit(t, bob, '100.00', 'USDT');
  });
  afterAll(() => t?.close());

  const swapLines = async (customer: Customer) => {
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?limit=100').set(auth(customer)).expect(200);
    return (
      history.body.transactions as Array<{
        type: string;
        currency: string;
        amount: string;
        fee: string;
        status: string;
      }>
    ).filter((line) => line.type === 'swap_out');
  };

  it('refuses targets that do not add up, and shows the target it keeps', async () => {
    const bad = await t
      .http()
      .put('/api/wallet/auto-balance')
      .set(auth(bob))
      .send({ mode: 'shares', targets: { USDC: '0.5', USDT: '0.4' } })
      .expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    await t.http().put('/api/wallet/auto-balance').set(auth(bob)).send({ mode: 'minimum' }).expect(400);
    await t
      .http()
      .put('/api/wallet/auto-balance')
      .set(auth(bob))
      .send({ mode: 'shares', targets: { DOGE: '1' } })
      .expect(400);
    const set = await t
      .http()
      .put('/api/wallet/auto-balance')
      .set(auth(bob))
      .send({ mode: 'minimum', minimum: '50.00', minSwap: '1.00' })
      .expect(200);
    expect(set.body.autoBalance).toMatchObject({
      enabled: false,
      preferredCurrency: 'USDC',
      target: { mode: 'minimum', minimum: '50.00', minSwap: '1.00' },
    });
  });

  it('restores the minimum after a large payment, with one swap whose fee is in the history', async () => {
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(bob))
      .send({ preferredCurrency: 'USDC', autoBalance: true })
      .expect(200);
    expect(
      (await t.http().get('/api/wallet/auto-balance').set(auth(bob)).expect(200)).body.autoBalance.enabled,
    ).toBe(true);
    expect(await swapLines(bob)).toEqual([]);

    await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(bob))
      .set('Idempotency-Key', randomUUID())
      .send({ to: alice.email, amount: '30.00', currency: 'USDC' })
      .expect(201);
    await waitFor('the minimum to be restored', async () => {
      const usdc = await balanceOf(t, bob, 'USDC');
      return usdc && Number(usdc.available) >= 50 ? usdc : undefined;
    });
    const swaps = await swapLines(bob);
    expect(swaps).toHaveLength(1);
    expect(swaps[0]).toMatchObject({ currency: 'USDT', status: 'completed' });
    expect(Number(swaps[0].amount)).toBeGreaterThanOrEqual(20);
    expect(Number(swaps[0].amount)).toBeLessThan(21);
    // at the minimum again: nothing more to do
    await advanceClock(t, await registerAdmin(t), 1);
    expect(await swapLines(bob)).toHaveLength(1);
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('brings target shares back within the tolerance when the clock’s sweep runs', async () => {
    const carol = await onboard(t, 'carol');
    await deposit(t, carol, '80.00', 'USDC');
    await deposit(t, carol, '20.00', 'USDT');
    await t
      .http()
      .put('/api/wallet/auto-balance')
      .set(auth(carol))
      .send({ mode: 'shares', targets: { USDC: '0.5', USDT: '0.5' }, tolerance: '0.05' })
      .expect(200);
    await t.http().put('/api/consumer/preferences').set(auth(carol)).send({ autoBalance: true }).expect(200);
    await advanceClock(t, await registerAdmin(t, 'admin2'), 1);
    // The swap settles at the provider (a poll or its webhook) shortly after the sweep asked for it.
    await waitFor('the swap to settle', async () =>
      (await balanceOf(t, carol, 'USDT'))?.total !== '20.00' ? true : undefined,
    );
    const [usdc, usdt] = [await balanceOf(t, carol, 'USDC'), await balanceOf(t, carol, 'USDT')];
    expect(usdc?.total).toBe('50.00');
    expect(Number(usdt?.total)).toBeGreaterThan(49);
    expect(Number(usdt?.total)).toBeLessThanOrEqual(50);
    expect(await swapLines(carol)).toEqual([
      expect.objectContaining({ currency: 'USDC', amount: '30.00', status: 'completed' }),
    ]);
    await expectBooksBalanced(t, [carol]);
  });
});
