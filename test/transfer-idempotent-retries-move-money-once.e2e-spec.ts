import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
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
