import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventBus } from '@nestjs/cqrs';
import { OUTBOX_COLUMNS, OutboxRelay, toPublishedEvent, type OutboxRow } from '#monay/shared';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Auto-convert: money arriving in a stablecoin other than the preferred currency is swapped to it through the normal
 * swap path, once per arrival (also when the event is delivered twice), and not at all below the minimum or when the
 * preference is off.
 */
describe('auto-convert', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startTestApp({ AUTO_CONVERT_MIN_AMOUNT: '1.00' });
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '100.00', 'USDT');
  });
  afterAll(() => t?.close());

  const sendUsdt = (amount: string) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.email, amount, currency: 'USDT' })
      .expect(201);
  const swapLines = async (customer: Customer) => {
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?limit=100').set(auth(customer)).expect(200);
    return (
      history.body.transactions as Array<{ type: string; currency: string; amount: string; status: string }>
    ).filter((line) => line.type === 'swap_out' || line.type === 'swap_in');
  };

  it('stays off until the user turns it on', async () => {
    await sendUsdt('5.00');
    await t.app.get(OutboxRelay).drain();
    expect((await balanceOf(t, bob, 'USDT'))?.total).toBe('5.00');
    expect(await swapLines(bob)).toEqual([]);
  });

  it('swaps an incoming USDT transfer to USDC exactly once, also when the relay delivers it twice', async () => {
    const prefs = await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(bob))
      .send({ preferredCurrency: 'USDC', autoConvert: true })
      .expect(200);
    expect(prefs.body.preferences).toMatchObject({ preferredCurrency: 'USDC', autoConvert: true });

    const sent = await sendUsdt('20.00');
    const transferId = sent.body.transfer.id as string;
    // The 5.00 that arrived before stays USDT; the 20.00 is converted.
    await waitFor('the arrival to be converted', async () =>
      (await balanceOf(t, bob, 'USDT'))?.total === '5.00' ? true : undefined,
    );
    const usdc = (await balanceOf(t, bob, 'USDC'))?.total as string;
    expect(Number(usdc)).toBeGreaterThan(19);
    expect(Number(usdc)).toBeLessThanOrEqual(20);
    const lines = await swapLines(bob);
    expect(lines).toEqual([
      expect.objectContaining({ type: 'swap_in', currency: 'USDC', amount: usdc, status: 'completed' }),
      expect.objectContaining({ type: 'swap_out', currency: 'USDT', amount: '20.00', status: 'completed' }),
    ]);

    // The relay delivers the same event again (at least once): the conversion's key makes it a replay.
    const [row] = (await t.app
      .get(DataSource)
      .query(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE type = 'FundsTransferred' AND aggregate_id = $1`, [
        transferId,
      ])) as OutboxRow[];
    t.app.get(EventBus).publish(toPublishedEvent(row));
    await new Promise((resolve) => setTimeout(resolve, 500));
    await t.app.get(OutboxRelay).drain();
    expect(await swapLines(bob)).toHaveLength(2);
    expect((await balanceOf(t, bob, 'USDC'))?.total).toBe(usdc);
    expect((await balanceOf(t, bob, 'USDT'))?.total).toBe('5.00');
  });

  it('leaves arrivals below the minimum, and in the preferred currency, where they are', async () => {
    await sendUsdt('0.50');
    await deposit(t, bob, '3.00', 'USDC');
    await t.app.get(OutboxRelay).drain();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await balanceOf(t, bob, 'USDT'))?.total).toBe('5.50');
    expect(await swapLines(bob)).toHaveLength(2);
    await expectBooksBalanced(t, [alice, bob]);
  });
});
