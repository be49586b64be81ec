import { randomUUID } from 'node:crypto';
import { ProjectionRebuilder } from '#monay/insights';
import { OutboxRelay } from '#monay/shared';
import { auth, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { withoutTransactionNotifications } from './support/notifications';
import { startTestApp, type TestApp } from './support/test-app';

describe('transfers: validation, status, privacy, history', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let eve: Customer;
  let transferId: string;

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob, eve] = [await onboard(t, 'alice'), await onboard(t, 'bob'), await onboard(t, 'eve')];
    // The journal holds only the money events the rebuild below counts (no NotificationCreated).
    await withoutTransactionNotifications(t, [alice, bob, eve]);
    await deposit(t, alice, '30.00');
    const sent = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.address, amount: '7.25', note: 'coffee' })
      .expect(201);
    transferId = sent.body.transfer.id;
    expect(sent.body.transfer).toMatchObject({
      status: 'completed',
      from: { userId: alice.userId },
      // The sender sees what they typed and its masked form, not the recipient's user id.
      to: { ref: bob.address, displayName: `monay:****${bob.address.slice(-4)}` },
      recipient: { displayName: `monay:****${bob.address.slice(-4)}` },
      amount: '7.25',
      currency: 'USDC',
      fee: '0.00',
    });
    expect(JSON.stringify(sent.body)).not.toContain(bob.userId);
  });
  afterAll(() => t.close());

  it('validates a transfer without moving money', async () => {
    const response = await t
      .http()
      .post('/api/p2p-transfer/validate')
      .set(auth(alice))
      .send({ to: bob.email, amount: '100.00', currency: 'USDC' })
      .expect(200);
    expect(response.body).toMatchObject({
      success: true,
      valid: false,
      recipient: { displayName: `${bob.email[0]}***@e***.com` },
      fee: '0.00',
      checks: { recipientFound: true, sufficientFunds: false, withinLimits: true, velocityOk: true },
    });
    expect(JSON.stringify(response.body)).not.toContain(bob.userId);
    expect(JSON.stringify(response.body)).not.toContain(bob.email.split('@')[0]);
  });

  it.each([
    ['an unknown email', 'ghost@example.com', 404, 'RECIPIENT_NOT_FOUND'],
    ['an unknown address', 'monay:aaaaaaaaaaaaaaaaaaaa', 404, 'RECIPIENT_NOT_FOUND'],
    ['gibberish', 'not a recipient', 404, 'RECIPIENT_NOT_FOUND'],
  ])('answers %s with %i %s', async (_case, to, status, code) => {
    const response = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to, amount: '1.00' })
      .expect(status);
    expect(response.body.error.code).toBe(code);
  });

  it('refuses paying yourself with 422 SELF_TRANSFER', async () => {
    const response = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: alice.email, amount: '1.00' })
      .expect(422);
    expect(response.body.error.code).toBe('SELF_TRANSFER');
  });

  it('shows a transfer with its history to the sender and the recipient, and 404 to anyone else', async () => {
    for (const viewer of [alice, bob]) {
      const response = await t
        .http()
        .get(`/api/p2p-transfer/status/${transferId}`)
        .set(auth(viewer))
        .expect(200);
      expect(response.body.history.map((h: { status: string }) => h.status)).toEqual([
        'pending',
        'processing',
        'completed',
      ]);
      // The recipient sees their own id; the sender only what they typed.
      expect(response.body.transfer.to).toEqual(
        viewer === bob
          ? { userId: bob.userId, ref: bob.address }
          : { ref: bob.address, displayName: `monay:****${bob.address.slice(-4)}` },
      );
    }
    const other = await t.http().get(`/api/p2p-transfer/status/${transferId}`).set(auth(eve)).expect(404);
    expect(other.body.error.code).toBe('NOT_FOUND');
    await t.http().get('/api/p2p-transfer/status/not-a-uuid').set(auth(alice)).expect(404);
  });

  it('lists each user’s history newest first, with counterparty, fee and status, page by page', async () => {
    for (let i = 0; i < 3; i += 1) {
      await t
        .http()
        .post('/api/consumer/transfer')
        .set(auth(alice))
        .set('Idempotency-Key', randomUUID())
        .send({ to: bob.email, amount: `1.0${i}` })
        .expect(201);
    }
    await t.app.get(OutboxRelay).drain();
    const first = await t.http().get('/api/transactions?limit=2').set(auth(alice)).expect(200);
    expect(first.body.transactions.map((x: { amount: string }) => x.amount)).toEqual(['1.02', '1.01']);
    expect(first.body.transactions[0]).toMatchObject({
      type: 'transfer_out',
      status: 'completed',
      fee: '0.00',
      // The recipient as the sender typed it, masked; never the recipient's user id.
      counterparty: { displayName: `${bob.email[0]}***@e***.com` },
    });
    const second = await t
      .http()
      .get(`/api/transactions?limit=10&cursor=${first.body.nextCursor}`)
      .set(auth(alice))
      .expect(200);
    expect(
      second.body.transactions.map((x: { type: string; amount: string }) => `${x.type} ${x.amount}`),
    ).toEqual(['transfer_out 1.00', 'transfer_out 7.25', 'deposit 30.00']);
    expect(second.body.nextCursor).toBeNull();
    const bobs = await t.http().get('/api/transactions?type=transfer_in').set(auth(bob)).expect(200);
    expect(bobs.body.transactions).toHaveLength(4);
    const eves = await t.http().get('/api/transactions').set(auth(eve)).expect(200);
    expect(eves.body.transactions).toEqual([]);
    await t.http().get('/api/transactions?limit=1000').set(auth(alice)).expect(400);
    await expectBooksBalanced(t, [alice, bob, eve]);
  });

  it('rebuilds the read models from the event journal to the same state', async () => {
    const before = await t.http().get('/api/transactions?limit=100').set(auth(alice)).expect(200);
    const replayed = await t.app.get(ProjectionRebuilder).rebuild();
    expect(replayed).toBe(5); // a deposit and four transfers
    const after = await t.http().get('/api/transactions?limit=100').set(auth(alice)).expect(200);
    expect(after.body).toEqual(before.body);
    await expectBooksBalanced(t, [alice, bob, eve]);
  });
});
