import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import type { RealtimeMessage } from '#monay/realtime';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { auth, balanceOf, deposit, onboard, type Customer } from './support/money';
import { withoutTransactionNotifications } from './support/notifications';
import { startTestApp, type TestApp } from './support/test-app';

const eventIdOf = (message: RealtimeMessage): string =>
  'eventId' in message.data ? message.data.eventId : '';

describe('realtime: a client that was offline catches up through GET /api/realtime/missed', () => {
  let t: TestApp;
  let url: string;
  let alice: Customer;
  let bob: Customer;
  let eve: Customer;
  const clients: RealtimeClient[] = [];
  /** The last event bob's phone saw before going offline. */
  let lastSeen: string;
  /** Bob's laptop stayed online throughout: what the live stream carried while the phone was away. */
  let laptop: RealtimeClient;

  const send = (from: Customer, to: Customer, amount: string) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(from))
      .set('Idempotency-Key', randomUUID())
      .send({ to: to.address, amount })
      .expect(201);
  const missed = (who: Customer, query: string) =>
    t.http().get(`/api/realtime/missed${query}`).set(auth(who));

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    [alice, bob, eve] = [await onboard(t, 'alice'), await onboard(t, 'bob'), await onboard(t, 'eve')];
    await withoutTransactionNotifications(t, [alice, bob, eve]);
    await deposit(t, alice, '40.00');
    await deposit(t, eve, '9.00');
    await t.app.get(OutboxRelay).drain();

    const phone = await RealtimeClient.connect(url, bob.token);
    clients.push(phone);
    await send(alice, bob, '1.00');
    lastSeen = (await phone.nth('balance.updated')).eventId;
    phone.close();

    laptop = await RealtimeClient.connect(url, bob.token);
    clients.push(laptop);
    await send(alice, bob, '2.00');
    await send(eve, alice, '4.00'); // not bob's business
    await send(alice, bob, '3.00');
    await t.app.get(OutboxRelay).drain();
    await laptop.nth('balance.updated', 1);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  it('returns exactly the events missed since the last one seen, oldest first, as the live stream sent them', async () => {
    const response = await missed(bob, `?since=${lastSeen}`).expect(200);
    expect(response.body).toMatchObject({ success: true, hasMore: false });
    const events = response.body.events as RealtimeMessage[];
    expect(events.map((m) => m.event)).toEqual([
      'transfer.received',
      'transaction.updated',
      'balance.updated',
      'transfer.received',
      'transaction.updated',
      'balance.updated',
    ]);
    expect(events.filter((m) => m.event === 'transfer.received').map((m) => m.data)).toEqual(
      laptop.of('transfer.received'),
    );
    expect(events.filter((m) => m.event === 'transaction.updated').map((m) => m.data)).toEqual(
      laptop.of('transaction.updated'),
    );
    expect(events.map(eventIdOf)).toEqual(laptop.messages.map(eventIdOf));
    expect(events.map(eventIdOf)).not.toContain(lastSeen);
    // Replayed balances are the balance now, not as of each event.
    const now = await balanceOf(t, bob);
    expect(now?.total).toBe('6.00');
    for (const message of events.filter((m) => m.event === 'balance.updated')) {
      expect(message.data).toMatchObject({
        currency: 'USDC',
        total: '6.00',
        available: '6.00',
        pending: '0.00',
      });
    }
  });

  it('pages by domain event: limit, hasMore, and lastEventId to continue from', async () => {
    const first = await missed(bob, `?since=${lastSeen}&limit=1`).expect(200);
    expect(first.body.hasMore).toBe(true);
    expect(first.body.events.map((m: RealtimeMessage) => m.event)).toEqual([
      'transfer.received',
      'transaction.updated',
      'balance.updated',
    ]);
    expect(first.body.events[0].data.amount).toBe('2.00');
    expect(first.body.lastEventId).toBe(first.body.events[0].data.eventId);

    const second = await missed(bob, `?since=${first.body.lastEventId}&limit=1`).expect(200);
    expect(second.body.hasMore).toBe(false);
    expect(second.body.events[0].data.amount).toBe('3.00');

    const none = await missed(bob, `?since=${second.body.lastEventId}`).expect(200);
    expect(none.body).toEqual({
      success: true,
      events: [],
      hasMore: false,
      lastEventId: second.body.lastEventId,
    });
  });

  it('returns the latest events when since is omitted', async () => {
    const all = await missed(bob, '').expect(200);
    expect(
      all.body.events
        .filter((m: RealtimeMessage) => m.event === 'transfer.received')
        .map((m: RealtimeMessage) => 'amount' in m.data && m.data.amount),
    ).toEqual(['1.00', '2.00', '3.00']);
    const latest = await missed(bob, '?limit=2').expect(200);
    expect(latest.body.hasMore).toBe(true);
    expect(
      latest.body.events
        .filter((m: RealtimeMessage) => m.event === 'transfer.received')
        .map((m: RealtimeMessage) => 'amount' in m.data && m.data.amount),
    ).toEqual(['2.00', '3.00']);
  });

  it('never shows a user another user’s events', async () => {
    const bobs = new Set(
      ((await missed(bob, '').expect(200)).body.events as RealtimeMessage[]).map(eventIdOf),
    );
    const eves = (await missed(eve, '').expect(200)).body.events as RealtimeMessage[];
    // Her points (rewards.updated) are rewards' messages; the money's are these.
    expect(eves.map((m) => m.event).filter((event) => event !== 'rewards.updated')).toEqual([
      'transaction.updated', // her deposit
      'balance.updated',
      'transaction.updated', // her payment to alice
      'balance.updated',
    ]);
    expect(eves.map(eventIdOf).filter((id) => bobs.has(id))).toEqual([]);
    expect(eves.filter((m) => m.event === 'balance.updated').map((m) => m.data)).toEqual([
      expect.objectContaining({ total: '5.00' }),
      expect.objectContaining({ total: '5.00' }),
    ]);
    // Bob's event id is no cursor for eve: the same answer as an id that never existed.
    const foreign = await missed(eve, `?since=${lastSeen}`).expect(400);
    const unknown = await missed(eve, `?since=${randomUUID()}`).expect(400);
    expect(foreign.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: [{ field: 'since' }] },
    });
    expect(unknown.body.error.message).toBe(foreign.body.error.message);
  });

  it('refuses a malformed since or limit with 400, and anyone without a token with 401', async () => {
    for (const query of ['?since=not-an-id', '?limit=0', '?limit=101', '?limit=ten']) {
      const response = await missed(bob, query).expect(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    await t.http().get('/api/realtime/missed').expect(401);
  });
});
