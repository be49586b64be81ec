import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  startProviderTestApp,
  withdrawRequest,
} from './support/provider-movements';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';
import { RealtimeAnnouncer } from '#monay/realtime';

describe('provider withdrawals under way hold their funds until the provider settles', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let socket: RealtimeClient;

  beforeAll(async () => {
    // The request does not wait for Circle (2–3 s × 0.05): it answers 202 and the poller finishes the job.
    ({ t } = await startProviderTestApp({ PROVIDER_SETTLE_WAIT_MS: '0' }));
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '100.00');
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(alice))
      .send({ preferredProvider: 'circle' })
      .expect(200);
    // The deposit is history before the socket connects: published, and passed by the announcer.
    await t.app.get(OutboxRelay).drain();
    await t.app.get(RealtimeAnnouncer).catchUp();
    await t.app.listen(0, '127.0.0.1');
    socket = await RealtimeClient.connect(await t.app.getUrl(), alice.token);
  });
  afterAll(async () => {
    socket.close();
    await t.close();
  });

  it('answers 202 while Circle pays out; the hold lowers available at once; the poller posts it', async () => {
    const key = randomUUID();
    const response = await withdrawRequest(t, alice, { amount: '50.00' }, key);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      success: true,
      withdrawal: { status: 'processing', provider: 'circle', fee: null, debited: null, held: '51.00' },
    });
    const id = response.body.withdrawal.id as string;
    // Held right away: 50.00 + Circle's 1.00 fee (the highest of the candidates).
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '49.00',
      pending: '51.00',
      total: '100.00',
    });
    // What looks like "the rest" is not there to spend: refused, nothing moved.
    const p2p = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.email, amount: '50.00' });
    expect(p2p.status).toBe(422);
    expect(p2p.body.error.code).toBe('INSUFFICIENT_FUNDS');
    // The same key while it is under way: its answer so far.
    const early = await withdrawRequest(t, alice, { amount: '50.00' }, key);
    expect(early.headers['idempotent-replayed']).toBe('true');
    expect([202, 201]).toContain(early.status);

    const settled = await waitFor('the poller to settle the withdrawal', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? got.body.withdrawal : undefined;
    });
    expect(settled).toMatchObject({ provider: 'circle', fee: '1.00', debited: '51.00', held: '51.00' });
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '49.00',
      pending: '0.00',
      total: '49.00',
    });
    const row = await movementRow(t, id);
    expect((await holdOf(t, row.hold_id as string)).postedAmount).toBe(51_000_000n);
    // The client's key now answers the final outcome.
    const replay = await withdrawRequest(t, alice, { amount: '50.00' }, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.withdrawal).toMatchObject({ id, status: 'completed', debited: '51.00' });

    // Live: the withdrawal under way with the balance it left available, then its completion.
    expect(await socket.nth('transaction.updated', 0)).toMatchObject({
      id,
      type: 'withdrawal',
      status: 'processing',
      amount: '50.00',
    });
    expect(await socket.nth('balance.updated', 0)).toMatchObject({ currency: 'USDC', available: '49.00' });
    // The refused P2P transfer is another transaction.updated, before or after the completion: the poller may
    // settle the withdrawal before the refused request is even sent.
    const updates = () => socket.of('transaction.updated');
    await socket.until('the refused transfer and the completion', () =>
      updates().some((u) => u.id === p2p.body.transfer.id && u.status === 'failed') &&
      updates().some((u) => u.id === id && u.status === 'completed')
        ? true
        : undefined,
    );
    const completion = updates().find((u) => u.id === id && u.status === 'completed');
    expect(completion).toMatchObject({
      id,
      type: 'withdrawal',
      status: 'completed',
      amount: '50.00',
      fee: '1.00',
    });
    expect(await socket.nth('balance.updated', 1)).toMatchObject({
      currency: 'USDC',
      available: '49.00',
      pending: '0.00',
      total: '49.00',
    });

    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?type=withdrawal').set(auth(alice)).expect(200);
    expect(history.body.transactions).toEqual([
      expect.objectContaining({ id, type: 'withdrawal', status: 'completed', amount: '50.00', fee: '1.00' }),
    ]);
    await expectBooksBalanced(t, [alice, bob]);
    await expectClearingMirrorsProviders(t);
  });

  it('a deposit through Circle answers 202 too and is credited when the poller sees it confirmed', async () => {
    const response = await t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '10.00', currency: 'EURC' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      success: true,
      status: 'processing',
      transactionId: null,
      provider: 'circle',
      deposit: { status: 'processing', fee: null, credited: null },
    });
    await t.app.get(OutboxRelay).drain();
    const processing = await t.http().get('/api/transactions?type=deposit').set(auth(alice)).expect(200);
    expect(processing.body.transactions[0]).toMatchObject({ status: 'processing', currency: 'EURC' });
    const id = response.body.deposit.id as string;
    await waitFor('the poller to credit the deposit', async () => {
      const got = await t.http().get(`/api/consumer/deposits/${id}`).set(auth(alice)).expect(200);
      return got.body.deposit.status === 'completed' ? true : undefined;
    });
    expect((await balanceOf(t, alice, 'EURC'))?.total).toBe('10.00');
    await t.app.get(OutboxRelay).drain();
    const done = await t.http().get('/api/transactions?type=deposit').set(auth(alice)).expect(200);
    expect(done.body.transactions[0]).toMatchObject({
      id,
      status: 'completed',
      amount: '10.00',
      fee: '0.00',
    });
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });
});
