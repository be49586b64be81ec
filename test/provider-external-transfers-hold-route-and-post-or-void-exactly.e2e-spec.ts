import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import type { RealtimeMessage } from '#monay/realtime';
import { OutboxRelay } from '#monay/shared';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { adapterOf, holdOf, movementRow, setMode, startProviderTestApp } from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** A checksummed-looking (mixed case) external address; the API keeps and sends it in lower case. */
const ADDRESS = '0x52908400098527886E0F7030069857D2E4169EE7';
const NOTE = 'Rent for March — thanks a lot, see you on Sunday 🏠';

describe('external transfers to 0x addresses: hold, route, then post (amount + fee) or void, exactly', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp({
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
    }));
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t.close());

  const send = (
    customer: Customer,
    body: Record<string, unknown>,
    key: string = randomUUID(),
    route = '/api/p2p-transfer/send',
  ) => t.http().post(route).set(auth(customer)).set('Idempotency-Key', key).send(body);

  const sandboxTransactions = async (idempotencyKey: string) =>
    (await t.app
      .get(DataSource)
      .query(
        `SELECT provider, operation, status FROM sandbox_provider_transactions WHERE idempotency_key = $1`,
        [idempotencyKey],
      )) as Array<{ provider: string; operation: string; status: string }>;

  const allClosed = () =>
    waitFor('every provider breaker closed', async () => {
      const response = await t.http().get('/api/providers/health').set(auth(alice)).expect(200);
      const providers = response.body.providers as Array<{ breaker: string }>;
      return providers.every((p) => p.breaker === 'closed') ? true : undefined;
    });

  it('sends through Tempo: 201, fee 0.0001, the hold posted for amount + fee, exactly one provider transaction, replayed once', async () => {
    const key = randomUUID();
    const body = { to: ADDRESS, amount: '10.00', currency: 'USDC', note: NOTE };
    const response = await send(alice, body, key);
    expect(response.status).toBe(201);
    const { transfer } = response.body;
    expect(response.body).toMatchObject({
      success: true,
      provider: 'tempo',
      skippedProviders: [],
      settlementTimeMs: expect.any(Number),
      txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(transfer).toMatchObject({
      id: expect.any(String),
      type: 'external',
      status: 'completed',
      from: { userId: alice.userId },
      to: { external: true, address: ADDRESS.toLowerCase() },
      amount: '10.00',
      fee: '0.0001',
      debited: '10.0001',
      // amount + the highest fee a candidate may charge (Monay's 0.50)
      held: '10.50',
      currency: 'USDC',
      note: NOTE,
      batchId: null,
      provider: 'tempo',
      txHash: response.body.txHash,
      providerTransactionId: response.body.txHash,
      completedAt: expect.any(String),
    });
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '89.9999',
      pending: '0.00',
      total: '89.9999',
    });
    const row = await movementRow(t, transfer.id);
    expect(row).toMatchObject({ status: 'completed', provider: 'tempo', fee: '100', net: '10000100' });
    const hold = await holdOf(t, row.hold_id as string);
    expect({ status: hold.status, amount: hold.amount, posted: hold.postedAmount }).toEqual({
      status: 'posted',
      amount: 10_500_000n,
      posted: 10_000_100n,
    });

    // The provider has it once, to the address, with the note cut to Tempo's 32-byte memo.
    expect(await sandboxTransactions(transfer.id)).toEqual([
      { provider: 'tempo', operation: 'transferOut', status: 'completed' },
    ]);
    const atTempo = await adapterOf(t, 'tempo').getTransactionStatus(transfer.id);
    expect(atTempo?.legs).toHaveLength(1);
    const memo = atTempo!.legs![0].memo!;
    expect(atTempo!.legs![0]).toMatchObject({ to: ADDRESS.toLowerCase(), amount: 10_000_000n });
    expect(Buffer.byteLength(memo, 'utf8')).toBeLessThanOrEqual(32);
    expect(NOTE.startsWith(memo)).toBe(true);
    expect(memo.length).toBeGreaterThan(20);

    const replay = await send(alice, body, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(response.body);
    expect(await sandboxTransactions(transfer.id)).toHaveLength(1);
    expect((await balanceOf(t, alice))?.total).toBe('89.9999');

    // The same key on the other transfer route is another request: refused, nothing sent.
    const otherRoute = await send(alice, body, key, '/api/consumer/transfer').expect(422);
    expect(otherRoute.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    // The sender looks it up by the id it got; nobody else can.
    const status = await t.http().get(`/api/p2p-transfer/status/${transfer.id}`).set(auth(alice)).expect(200);
    expect(status.body).toEqual({
      success: true,
      transfer,
      history: [
        { status: 'pending', at: transfer.createdAt },
        { status: 'completed', at: transfer.completedAt },
      ],
    });
    await t.http().get(`/api/p2p-transfer/status/${transfer.id}`).set(auth(bob)).expect(404);

    // History and realtime carry it like a withdrawal: processing, then completed with its fee.
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?limit=5').set(auth(alice)).expect(200);
    expect(history.body.transactions[0]).toMatchObject({
      id: transfer.id,
      type: 'transfer_out',
      status: 'completed',
      amount: '10.00',
      fee: '0.0001',
      counterparty: null,
      note: NOTE,
    });
    const missed = await t.http().get('/api/realtime/missed?limit=20').set(auth(alice)).expect(200);
    const updates = (missed.body.events as RealtimeMessage[]).filter(
      (m) => m.event === 'transaction.updated' && 'id' in m.data && m.data.id === transfer.id,
    );
    expect(updates.map((m) => m.data)).toEqual([
      expect.objectContaining({ type: 'transfer_out', status: 'processing', amount: '10.00' }),
      expect.objectContaining({ type: 'transfer_out', status: 'completed', fee: '0.0001' }),
    ]);

    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('the consumer transfer route sends to an address the same way', async () => {
    const response = await send(
      alice,
      { to: ADDRESS.toLowerCase(), amount: '1.00' },
      randomUUID(),
      '/api/consumer/transfer',
    ).expect(201);
    expect(response.body.transfer).toMatchObject({ status: 'completed', fee: '0.0001', debited: '1.0001' });
    expect((await balanceOf(t, alice))?.total).toBe('88.9998');
    await expectBooksBalanced(t, [alice]);
  });

  it('validate: an address is a valid recipient, with the router’s estimated fee and what a send would hold', async () => {
    const ok = await t
      .http()
      .post('/api/p2p-transfer/validate')
      .set(auth(alice))
      .send({ to: ADDRESS, amount: '5.00' })
      .expect(200);
    expect(ok.body).toEqual({
      success: true,
      valid: true,
      recipient: { external: true, address: ADDRESS.toLowerCase() },
      amount: '5.00',
      currency: 'USDC',
      fee: '0.0001',
      provider: 'tempo',
      maxFee: '0.50',
      checks: { sufficientFunds: true, withinLimits: true, velocityOk: true, providerAvailable: true },
    });
    // 88.60 + the 0.50 held would be more than the 88.9998 available.
    const tooMuch = await t
      .http()
      .post('/api/p2p-transfer/validate')
      .set(auth(alice))
      .send({ to: ADDRESS, amount: '88.60' })
      .expect(200);
    expect(tooMuch.body).toMatchObject({ valid: false, checks: { sufficientFunds: false } });
  });

  it('with Tempo in outage it goes through Circle (its own 0.02 fee), naming Tempo and why', async () => {
    await setMode(t, admin, 'tempo', 'outage');
    try {
      const response = await send(alice, { to: ADDRESS, amount: '5.00', note: 'via circle' }).expect(201);
      expect(response.body).toMatchObject({
        provider: 'circle',
        txHash: null,
        providerTransactionId: expect.any(String),
        skippedProviders: [
          expect.objectContaining({
            provider: 'tempo',
            reason: expect.stringMatching(/^(unavailable|breaker_open)$/),
          }),
        ],
      });
      expect(response.body.transfer).toMatchObject({
        status: 'completed',
        fee: '0.02',
        debited: '5.02',
        held: '5.50',
      });
      expect(await sandboxTransactions(response.body.transfer.id)).toEqual([
        { provider: 'circle', operation: 'transferOut', status: 'completed' },
      ]);
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '83.9798',
      pending: '0.00',
      total: '83.9798',
    });
    await allClosed();
    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('a provider that fails it after accepting it: 422 PROVIDER_FAILED, the hold voided, the balance restored exactly', async () => {
    const before = await balanceOf(t, alice);
    await setMode(t, admin, 'tempo', 'healthy', { failAfterAcceptRate: 1 });
    let failedId: string;
    try {
      const response = await send(alice, { to: ADDRESS, amount: '30.00' });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        success: false,
        error: { code: 'PROVIDER_FAILED' },
        provider: 'tempo',
        transfer: { status: 'failed', provider: 'tempo', fee: null, debited: null, held: '30.50' },
      });
      failedId = response.body.transfer.id;
      const row = await movementRow(t, failedId);
      expect(row).toMatchObject({ status: 'failed', failure_code: 'PROVIDER_FAILED' });
      expect((await holdOf(t, row.hold_id as string)).status).toBe('voided');
      expect(await balanceOf(t, alice)).toEqual(before);
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?limit=5').set(auth(alice)).expect(200);
    expect(history.body.transactions[0]).toMatchObject({
      id: failedId,
      status: 'failed',
      failureCode: 'PROVIDER_FAILED',
    });
    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('no provider up: 503, nothing held, and the key released for a later retry that then pays once', async () => {
    const before = await balanceOf(t, alice);
    const key = randomUUID();
    for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'outage');
    try {
      const refused = await send(alice, { to: ADDRESS, amount: '2.00' }, key);
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('PROVIDER_UNAVAILABLE');
      expect(await balanceOf(t, alice)).toEqual(before);
    } finally {
      for (const name of ['tempo', 'circle', 'monay']) await setMode(t, admin, name, 'healthy');
    }
    await allClosed();
    const retried = await send(alice, { to: ADDRESS, amount: '2.00' }, key).expect(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.transfer).toMatchObject({ provider: 'tempo', debited: '2.0001' });
    expect((await balanceOf(t, alice))?.total).toBe(
      Money.parse(before!.total, 'USDC').minus(Money.parse('2.0001', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [alice]);
    await expectProvidersReconciled(t);
  });

  it('above the balance: 422 INSUFFICIENT_FUNDS, recorded and replayed, nothing sent', async () => {
    const key = randomUUID();
    const response = await send(bob, { to: ADDRESS, amount: '5.00' }, key).expect(422);
    expect(response.body).toMatchObject({
      success: false,
      error: { code: 'INSUFFICIENT_FUNDS' },
      transfer: { status: 'failed', held: null, provider: null },
    });
    expect(await sandboxTransactions(response.body.transfer.id)).toEqual([]);
    const replay = await send(bob, { to: ADDRESS, amount: '5.00' }, key).expect(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.transfer.id).toBe(response.body.transfer.id);
    await expectBooksBalanced(t, [bob]);
  });
});
