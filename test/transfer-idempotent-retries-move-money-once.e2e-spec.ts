import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('idempotent retries move money once', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '50.00');
  });
  afterAll(() => t.close());

  it('20 parallel requests with one key produce one transfer and the same answer', async () => {
    const key = randomUUID();
    const body = { to: bob.email, amount: '10.00', currency: 'USDC', note: 'lunch' };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.http().post('/api/p2p-transfer/send').set(auth(alice)).set('Idempotency-Key', key).send(body),
      ),
    );
    const answered = responses.filter((r) => r.status === 201);
    expect(answered.length + responses.filter((r) => r.status === 409).length).toBe(20);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    const ids = new Set(answered.map((r) => r.body.transfer.id));
    expect(ids.size).toBe(1);
    expect(answered.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(
      answered.length - 1,
    );
    for (const response of answered) expect(response.body).toEqual(answered[0].body);

    const [{ count }] = (await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM transfers WHERE sender_user_id = $1`, [
        alice.userId,
      ])) as Array<{ count: number }>;
    expect(count).toBe(1);
    expect((await balanceOf(t, alice))?.total).toBe('40.00');
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('books a send in one statement, and takes the transaction only to refuse it', async () => {
    // Payers of their own, so that the balances the other tests expect stay as they are.
    const [carol, dave] = [await onboard(t, 'carol'), await onboard(t, 'dave')];
    await deposit(t, carol, '5.00');
    const ledger = t.app.get(LedgerService);
    const atOnce = jest.spyOn(ledger, 'postAtOnce');
    const inTransaction = jest.spyOn(ledger, 'post');
    // Other postings run meanwhile (the relay's consumers book reward points): only the transfers' count.
    const transfersInTransaction = () =>
      inTransaction.mock.calls.filter(([, input]) => input.kind === 'p2p_transfer').length;
    try {
      const send = (amount: string) =>
        t
          .http()
          .post('/api/p2p-transfer/send')
          .set(auth(carol))
          .set('Idempotency-Key', randomUUID())
          .send({ to: dave.email, amount, currency: 'USDC' });

      await send('1.00').expect(201);
      expect(atOnce).toHaveBeenCalledTimes(1);
      await expect(atOnce.mock.results[0].value).resolves.toBe(true);
      expect(transfersInTransaction()).toBe(0);

      // Insufficient funds: the statement writes nothing, the transaction records the refusal with its reason.
      const refused = await send('100.00').expect(422);
      expect(refused.body.error.code).toBe('INSUFFICIENT_FUNDS');
      expect(atOnce).toHaveBeenCalledTimes(2);
      await expect(atOnce.mock.results[1].value).resolves.toBe(false);
      expect(transfersInTransaction()).toBe(1);
    } finally {
      atOnce.mockRestore();
      inTransaction.mockRestore();
    }
    expect((await balanceOf(t, carol))?.total).toBe('4.00');
    await expectBooksBalanced(t, [carol, dave]);
  });

  it('replays a stored refusal too, and refuses the same key with a different body (422)', async () => {
    const key = randomUUID();
    const tooMuch = { to: bob.email, amount: '1000.00' };
    const first = await t
      .http()
      .post('/api/consumer/transfer')
      .set(auth(alice))
      .set('Idempotency-Key', key)
      .send(tooMuch)
      .expect(422);
    const again = await t
      .http()
      .post('/api/consumer/transfer')
      .set(auth(alice))
      .set('Idempotency-Key', key)
      .send(tooMuch)
      .expect(422);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.transfer.id).toBe(first.body.transfer.id);

    const other = await t
      .http()
      .post('/api/consumer/transfer')
      .set(auth(alice))
      .set('Idempotency-Key', key)
      .send({ to: bob.email, amount: '1.00' })
      .expect(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('accepts the key as a body field, and refuses a money route without any key (400)', async () => {
    const key = randomUUID();
    await t
      .http()
      .post('/api/consumer/transfer')
      .set(auth(alice))
      .send({ to: bob.email, amount: '1.00', idempotencyKey: key })
      .expect(201);
    const replay = await t
      .http()
      .post('/api/consumer/transfer')
      .set(auth(alice))
      .send({ to: bob.email, amount: '1.00', idempotencyKey: key })
      .expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const missing = await t
      .http()
      .post('/api/consumer/transfer')
      .set(auth(alice))
      .send({ to: bob.email, amount: '1.00' })
      .expect(400);
    expect(missing.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    expect((await balanceOf(t, alice))?.total).toBe('39.00');
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('replays deposits by key as well', async () => {
    const key = randomUUID();
    const first = await t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(bob))
      .set('Idempotency-Key', key)
      .send({ amount: '5' })
      .expect(201);
    const second = await t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(bob))
      .set('Idempotency-Key', key)
      .send({ amount: '5' })
      .expect(201);
    expect(second.body.transactionId).toBe(first.body.transactionId);
    expect(second.headers['idempotent-replayed']).toBe('true');
    // Through Tempo, which withholds its 0.10 % fee: credited once.
    expect(first.body).toMatchObject({
      success: true,
      amount: '5.00',
      currency: 'USDC',
      provider: 'tempo',
      fee: '0.005',
      credited: '4.995',
    });
    expect((await balanceOf(t, bob))?.total).toBe('15.995');
    await expectBooksBalanced(t, [alice, bob]);
  });
});
