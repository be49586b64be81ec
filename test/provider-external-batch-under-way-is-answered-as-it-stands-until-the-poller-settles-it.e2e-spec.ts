import { randomUUID } from 'node:crypto';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { setMode, startProviderTestApp } from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const ADDRESSES = [
  '0x1111111111111111111111111111111111111111',
  '0x2222222222222222222222222222222222222222',
  '0x3333333333333333333333333333333333333333',
];

describe('external transfers under way: 202, the key answers as things stand, the poller settles them', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let payer: Customer;
  let payee: Customer;

  beforeAll(async () => {
    // The request does not wait for a provider to settle: it answers 202 and the poller finishes the job.
    ({ t, admin } = await startProviderTestApp({
      PROVIDER_SETTLE_WAIT_MS: '0',
      TRANSFER_FEE_BATCH: '0.50',
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
    }));
    [payer, payee] = [await onboard(t, 'payer'), await onboard(t, 'payee')];
    await deposit(t, payer, '100.00');
  });
  afterAll(() => t.close());

  const breakerOf = async (name: string) => {
    const response = await t.http().get('/api/providers/health').set(auth(payer)).expect(200);
    return (response.body.providers as Array<{ name: string; breaker: string }>).find((p) => p.name === name)!
      .breaker;
  };

  it('a single external transfer answers 202 while the provider works; its key then answers 201', async () => {
    const key = randomUUID();
    const body = { to: ADDRESSES[0], amount: '10.00' };
    const send = () =>
      t.http().post('/api/p2p-transfer/send').set(auth(payer)).set('Idempotency-Key', key).send(body);
    const response = await send();
    expect(response.status).toBe(202);
    expect(response.body.transfer).toMatchObject({
      status: 'processing',
      provider: 'tempo',
      fee: null,
      debited: null,
      held: '10.50',
    });
    const id = response.body.transfer.id as string;
    const settled = await waitFor('the poller to settle the transfer', async () => {
      const got = await t.http().get(`/api/p2p-transfer/status/${id}`).set(auth(payer)).expect(200);
      return got.body.transfer.status === 'completed' ? got.body.transfer : undefined;
    });
    expect(settled).toMatchObject({ fee: '0.0001', debited: '10.0001' });
    const replay = await send().expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.transfer).toMatchObject({ id, status: 'completed', debited: '10.0001' });
    expect(await balanceOf(t, payer)).toEqual({
      currency: 'USDC',
      available: '89.9999',
      pending: '0.00',
      total: '89.9999',
    });
    await expectBooksBalanced(t, [payer]);
    await expectProvidersReconciled(t);
  });

  it('a batch whose addresses go through Circle answers 202; replays follow the legs until they settle', async () => {
    await setMode(t, admin, 'tempo', 'outage');
    const key = randomUUID();
    const recipients = [
      { to: payee.email, amount: '5.00' },
      ...ADDRESSES.map((to) => ({ to, amount: '2.00' })),
    ];
    const send = () =>
      t
        .http()
        .post('/api/consumer/batch-transfer')
        .set(auth(payer))
        .set('Idempotency-Key', key)
        .send({ recipients });
    let first;
    try {
      await waitFor('tempo breaker open', async () =>
        (await breakerOf('tempo')) === 'open' ? true : undefined,
      );
      first = await send();
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(first.status).toBe(202);
    expect(first.body.batch).toMatchObject({
      status: 'processing',
      summary: { completed: 1, processing: 3, failed: 0 },
      external: { batches: [], fees: [] },
    });
    const legs = (first.body.batch.results as Array<Record<string, unknown>>).slice(1);
    for (const leg of legs) {
      expect(leg).toMatchObject({ kind: 'external', status: 'processing', provider: 'circle', fee: null });
    }
    // Held: 3 × (2.00 + Monay's 0.50, the highest candidate fee); the Monay leg and fee are paid. The poller may
    // already have settled some legs (Circle settles in 100-150 ms here): each one settled releases its 2.50 and
    // debits 2.02. Any other balance (a leg held twice, or released without its debit) fails.
    const units = (tenThousandths: bigint) =>
      `${tenThousandths / 10_000n}.${String(tenThousandths % 10_000n).padStart(4, '0')}`;
    const states = [0n, 1n, 2n, 3n].map((settled) => ({
      currency: 'USDC',
      available: units(769_999n + 4_800n * settled),
      pending: units(75_000n - 25_000n * settled).slice(0, -2),
      total: units(844_999n - 20_200n * settled),
    }));
    expect(states).toContainEqual(await balanceOf(t, payer));

    const final = await waitFor('a replay to answer the settled batch', async () => {
      const replay = await send();
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect([201, 202]).toContain(replay.status);
      return replay.status === 201 ? replay : undefined;
    });
    expect(final.body.batch).toMatchObject({
      id: first.body.batch.id,
      status: 'completed',
      summary: { completed: 4, processing: 0, failed: 0 },
      external: { fees: [{ currency: 'USDC', amount: '0.06' }] },
    });
    expect(
      (final.body.batch.results as Array<Record<string, unknown>>).slice(1).map((r) => [r.movementId, r.fee]),
    ).toEqual(legs.map((leg) => [leg.movementId, '0.02']));
    // The settled answer is kept: the next replay is the same.
    const again = await send().expect(201);
    expect(again.body).toEqual(final.body);
    // 5.00 + 0.50 + 3 × 2.02
    expect(await balanceOf(t, payer)).toEqual({
      currency: 'USDC',
      available: '78.4399',
      pending: '0.00',
      total: '78.4399',
    });
    await waitFor('every provider breaker closed', async () =>
      (await breakerOf('tempo')) === 'closed' ? true : undefined,
    );
    await expectBooksBalanced(t, [payer, payee]);
    await expectProvidersReconciled(t);
  });
});
