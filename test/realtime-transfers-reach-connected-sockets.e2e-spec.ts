import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { auth, balanceOf, deposit, onboard, type Customer } from './support/money';
import { withoutTransactionNotifications } from './support/notifications';
import { startTestApp, type TestApp } from './support/test-app';
import { RealtimeAnnouncer } from '#monay/realtime';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('realtime: money moved through HTTP reaches the connected sockets of the users concerned', () => {
  let t: TestApp;
  let url: string;
  let alice: Customer;
  let bob: Customer;
  const clients: RealtimeClient[] = [];

  const connect = async (customer: Customer) => {
    const client = await RealtimeClient.connect(url, customer.token);
    clients.push(client);
    return client;
  };
  const send = (from: Customer, to: Customer, amount: string, note?: string) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(from))
      .set('Idempotency-Key', randomUUID())
      .send({ to: to.address, amount, ...(note !== undefined && { note }) });

  beforeAll(async () => {
    t = await startTestApp({ TRANSFER_FEE_BATCH: '0.50' });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await withoutTransactionNotifications(t, [alice, bob]);
    await deposit(t, alice, '50.00');
    // The deposit is history before anyone connects: published, and passed by the announcer.
    await t.app.get(OutboxRelay).drain();
    await t.app.get(RealtimeAnnouncer).catchUp();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  it('sends the recipient transfer.received, transaction.updated and balance.updated, and the sender transaction.updated and balance.updated', async () => {
    const [aliceWs, bobWs] = [await connect(alice), await connect(bob)];
    const sent = await send(alice, bob, '7.25', 'coffee').expect(201);
    const transferId = sent.body.transfer.id as string;

    const received = await bobWs.nth('transfer.received');
    expect(received).toEqual({
      eventId: expect.stringMatching(UUID),
      id: transferId,
      from: { userId: alice.userId },
      amount: '7.25',
      currency: 'USDC',
      note: 'coffee',
      batchId: null,
    });
    const { eventId } = received;
    await bobWs.nth('balance.updated');
    expect(bobWs.messages).toEqual([
      { event: 'transfer.received', data: received },
      {
        event: 'transaction.updated',
        data: {
          eventId,
          id: transferId,
          type: 'transfer_in',
          status: 'completed',
          amount: '7.25',
          fee: '0.00',
          currency: 'USDC',
          counterparty: { userId: alice.userId },
          batchId: null,
        },
      },
      {
        event: 'balance.updated',
        data: { eventId, currency: 'USDC', available: '7.25', pending: '0.00', total: '7.25' },
      },
    ]);

    await aliceWs.nth('balance.updated');
    // The transfer's own events, in journal order. By now the relay's consumers may also have written the sender's
    // rewards.updated (the points this transfer earned, a first-transfer achievement): the rewards specs check those.
    expect(aliceWs.messages.filter((m) => m.event !== 'rewards.updated')).toEqual([
      {
        event: 'transaction.updated',
        data: {
          eventId,
          id: transferId,
          type: 'transfer_out',
          status: 'completed',
          amount: '7.25',
          fee: '0.00',
          currency: 'USDC',
          // The sender sees the address they typed, masked, never the recipient's id.
          counterparty: { displayName: `monay:****${bob.address.slice(-4)}` },
          batchId: null,
        },
      },
      {
        event: 'balance.updated',
        data: { eventId, currency: 'USDC', available: '42.75', pending: '0.00', total: '42.75' },
      },
    ]);
  });

  it('delivers several transfers in a row in commit order, each with its own eventId on every event', async () => {
    const bobWs = await connect(bob);
    const amounts = ['1.01', '1.02', '1.03', '1.04'];
    const ids: string[] = [];
    for (const amount of amounts) ids.push((await send(alice, bob, amount).expect(201)).body.transfer.id);

    await bobWs.nth('balance.updated', amounts.length - 1);
    const received = bobWs.of('transfer.received');
    expect(received.map((r) => [r.id, r.amount])).toEqual(ids.map((id, i) => [id, amounts[i]]));
    expect(new Set(received.map((r) => r.eventId)).size).toBe(amounts.length);
    // Each transfer's three events travel together and carry its event id, transfer after transfer.
    expect(bobWs.messages.map((m) => `${m.event} ${'eventId' in m.data ? m.data.eventId : ''}`)).toEqual(
      received.flatMap((r) => [
        `transfer.received ${r.eventId}`,
        `transaction.updated ${r.eventId}`,
        `balance.updated ${r.eventId}`,
      ]),
    );
    // The balance is read from the ledger when sent: the last one is where the books stand now.
    expect(bobWs.of('balance.updated').at(-1)).toMatchObject({ total: '11.35', available: '11.35' });
    expect((await balanceOf(t, bob))?.total).toBe('11.35');
  });

  it('sends a deposit to its owner as transaction.updated and balance.updated', async () => {
    const bobWs = await connect(bob);
    await deposit(t, bob, '3.000001', 'USDT');
    const transaction = await bobWs.nth('transaction.updated');
    expect(transaction).toMatchObject({
      type: 'deposit',
      status: 'completed',
      amount: '3.000001',
      currency: 'USDT',
      counterparty: null,
    });
    expect(await bobWs.nth('balance.updated')).toEqual({
      eventId: transaction.eventId,
      currency: 'USDT',
      available: '3.000001',
      pending: '0.00',
      total: '3.000001',
    });
  });

  it('tells the sender of a refused transfer (transaction.updated, failed) and sends no balance', async () => {
    const bobWs = await connect(bob);
    const refused = await send(bob, alice, '20.00').expect(422);
    const transaction = await bobWs.nth('transaction.updated');
    expect(transaction).toMatchObject({
      id: refused.body.transfer.id,
      type: 'transfer_out',
      status: 'failed',
      amount: '20.00',
      failureCode: 'INSUFFICIENT_FUNDS',
    });
    await t.app.get(OutboxRelay).drain();
    // Points an earlier transfer earned may arrive now (rewards.updated): rewards' message, not this refusal's.
    expect(bobWs.messages.map((m) => m.event).filter((event) => event !== 'rewards.updated')).toEqual([
      'transaction.updated',
    ]);
  });

  it('pays a batch: each recipient hears of its item, the sender gets one balance per currency at the end', async () => {
    const [aliceWs, bobWs] = [await connect(alice), await connect(bob)];
    const carol = await onboard(t, 'carol');
    const carolWs = await connect(carol);
    const response = await t
      .http()
      .post('/api/consumer/batch-transfer')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({
        recipients: [
          { to: bob.email, amount: '2.00' },
          { to: carol.email, amount: '3.00' },
        ],
      })
      .expect(201);
    const batchId = response.body.batch.id as string;
    expect(await bobWs.nth('transfer.received')).toMatchObject({ amount: '2.00', batchId });
    expect(await carolWs.nth('transfer.received')).toMatchObject({ amount: '3.00', batchId });
    await aliceWs.nth('balance.updated');
    await t.app.get(OutboxRelay).drain();
    // The points the batch earned are rewards' message (rewards.updated), not the batch's.
    expect(aliceWs.messages.map((m) => m.event).filter((event) => event !== 'rewards.updated')).toEqual([
      'transaction.updated',
      'transaction.updated',
      'balance.updated',
    ]);
    const balance = await balanceOf(t, alice);
    expect(aliceWs.of('balance.updated')).toEqual([
      expect.objectContaining({ currency: 'USDC', total: balance?.total, available: balance?.available }),
    ]);
    expect(balance?.total).toBe('33.15'); // 50 − 7.25 − 4.10 − 5.00 − the 0.50 batch fee
  });
});
