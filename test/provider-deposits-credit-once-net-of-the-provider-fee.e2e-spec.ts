import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  depositRequest,
  expectClearingMirrorsProviders,
  movementRow,
  startProviderTestApp,
} from './support/provider-movements';
import type { TestApp } from './support/test-app';

describe('provider deposits: routed, credited once, net of the provider fee', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    ({ t } = await startProviderTestApp());
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
  });
  afterAll(() => t.close());

  it('deposits through Tempo: 201, its 0.10 % fee withheld, the rest credited exactly', async () => {
    const key = randomUUID();
    const response = await depositRequest(
      t,
      alice,
      { amount: '250.00', currency: 'USDC', method: 'card' },
      key,
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      success: true,
      status: 'completed',
      amount: '250.00',
      currency: 'USDC',
      fee: '0.25',
      credited: '249.75',
      provider: 'tempo',
      method: 'card',
      transactionId: expect.any(String),
      settlementTimeMs: expect.any(Number),
      deposit: {
        id: expect.any(String),
        status: 'completed',
        amount: '250.00',
        fee: '0.25',
        credited: '249.75',
        currency: 'USDC',
        provider: 'tempo',
        skippedProviders: [],
        method: 'card',
      },
    });
    expect(response.body.deposit.transactionId).toBe(response.body.transactionId);
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '249.75',
      pending: '0.00',
      total: '249.75',
    });
    expect(await movementRow(t, response.body.deposit.id)).toMatchObject({
      status: 'completed',
      provider: 'tempo',
      fee: '250000',
      net: '249750000',
      ledger_transaction_id: response.body.transactionId,
    });

    const replay = await depositRequest(
      t,
      alice,
      { amount: '250.00', currency: 'USDC', method: 'card' },
      key,
    );
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(response.body);
    expect((await balanceOf(t, alice))?.total).toBe('249.75');

    const other = await depositRequest(t, alice, { amount: '25.00', currency: 'USDC' }, key);
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('concurrent requests with one key deposit once: the others get 409 or the same answer', async () => {
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () => depositRequest(t, bob, { amount: '10.00', currency: 'USDT' }, key)),
    );
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of responses) expect([201, 409]).toContain(r.status);
    expect(new Set(created.map((r) => r.body.deposit.id)).size).toBe(1);
    for (const r of responses.filter((x) => x.status === 409)) {
      expect(r.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
    }
    expect(created[0].body).toMatchObject({ provider: 'tempo', fee: '0.01', credited: '9.99' });
    expect((await balanceOf(t, bob, 'USDT'))?.total).toBe('9.99');
    const again = await depositRequest(t, bob, { amount: '10.00', currency: 'USDT' }, key).expect(201);
    expect(again.body.deposit.id).toBe(created[0].body.deposit.id);
    await expectBooksBalanced(t, [bob]);
  });

  it("goes to the user's preferred provider first: Circle takes no deposit fee (and settles in seconds)", async () => {
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(bob))
      .send({ preferredProvider: 'circle' })
      .expect(200);
    const response = await depositRequest(t, bob, { amount: '40.00', currency: 'EURC' }).expect(201);
    expect(response.body).toMatchObject({
      provider: 'circle',
      fee: '0.00',
      credited: '40.00',
      currency: 'EURC',
    });
    expect((await balanceOf(t, bob, 'EURC'))?.total).toBe('40.00');
    // Circle has no PYUSD: the preference is passed over, Tempo takes it.
    const pyusd = await depositRequest(t, bob, { amount: '1.00', currency: 'PYUSD' }).expect(201);
    expect(pyusd.body).toMatchObject({ provider: 'tempo', fee: '0.001', credited: '0.999' });
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(bob))
      .send({ preferredProvider: null })
      .expect(200);
    await expectBooksBalanced(t, [bob]);
    await expectClearingMirrorsProviders(t);
  });

  it('refuses an amount no provider could credit anything of (422), and bad input (400)', async () => {
    // Only Tempo has PYUSD, and its minimum fee (0.0001) would take it all.
    const tiny = await depositRequest(t, bob, { amount: '0.0001', currency: 'PYUSD' });
    expect(tiny.status).toBe(422);
    expect(tiny.body.error).toMatchObject({ code: 'AMOUNT_TOO_SMALL', details: { fee: '0.0001' } });
    // In USDC Tempo refuses it for the same reason and Circle, which takes no deposit fee, credits it all.
    const circle = await depositRequest(t, bob, { amount: '0.0001', currency: 'USDC' }).expect(201);
    expect(circle.body).toMatchObject({ provider: 'circle', fee: '0.00', credited: '0.0001' });
    expect(circle.body.deposit.skippedProviders).toEqual([
      { provider: 'tempo', reason: 'refused', detail: expect.stringContaining('leaves nothing to credit') },
    ]);
    const method = await depositRequest(t, bob, { amount: '5.00', method: 'cheque' });
    expect(method.status).toBe(400);
    const urgency = await depositRequest(t, bob, { amount: '5.00', urgency: 'yesterday' });
    expect(urgency.status).toBe(400);
    const unknown = await depositRequest(t, bob, { amount: '5.00', provider: 'tempo' });
    expect(unknown.status).toBe(400);
    const missingKey = await t.http().post('/api/consumer/deposit').set(auth(bob)).send({ amount: '5.00' });
    expect(missingKey.status).toBe(400);
    expect(missingKey.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
  });

  it('shows a deposit to its owner only (404 for anyone else and for bad ids), and in the history', async () => {
    const response = await depositRequest(t, alice, { amount: '3.00', currency: 'USDC' }).expect(201);
    const id = response.body.deposit.id as string;
    const mine = await t.http().get(`/api/consumer/deposits/${id}`).set(auth(alice)).expect(200);
    expect(mine.body).toEqual({ success: true, deposit: response.body.deposit });
    const theirs = await t.http().get(`/api/consumer/deposits/${id}`).set(auth(bob)).expect(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    await t.http().get('/api/consumer/deposits/not-a-uuid').set(auth(alice)).expect(404);
    await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(404);
    await t.http().get(`/api/consumer/deposits/${id}`).expect(401);

    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?type=deposit').set(auth(alice)).expect(200);
    expect(history.body.transactions[0]).toMatchObject({
      id,
      type: 'deposit',
      status: 'completed',
      amount: '2.997',
      fee: '0.003',
      currency: 'USDC',
    });
    expect(history.body.transactions.map((x: { amount: string }) => x.amount)).toEqual(['2.997', '249.75']);
    await expectBooksBalanced(t, [alice, bob]);
    await expectClearingMirrorsProviders(t);
  });
});
