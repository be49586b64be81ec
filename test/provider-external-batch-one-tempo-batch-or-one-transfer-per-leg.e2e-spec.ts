import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { OutboxRelay } from '#monay/shared';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { adapterOf, holdOf, movementRow, setMode, startProviderTestApp } from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Five external addresses (the first in mixed case: kept and sent in lower case). */
const ADDRESSES = [
  '0xAbCdEf0000000000000000000000000000000001',
  '0xabcdef0000000000000000000000000000000002',
  '0xabcdef0000000000000000000000000000000003',
  '0xabcdef0000000000000000000000000000000004',
  '0xabcdef0000000000000000000000000000000005',
];

interface Result {
  index: number;
  to: string;
  kind: 'internal' | 'external';
  status: string;
  transferId: string | null;
  movementId: string | null;
  fee: string | null;
  provider: string | null;
  error?: { code: string };
}

describe('batch transfers with external recipients: one Tempo batch, or one transfer per leg through the fallback', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let payer: Customer;
  let payees: Customer[];

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp({
      TRANSFER_FEE_BATCH: '0.50',
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
    }));
    payer = await onboard(t, 'payer');
    payees = [await onboard(t, 'payee0'), await onboard(t, 'payee1'), await onboard(t, 'payee2')];
    await deposit(t, payer, '300.00');
  });
  afterAll(() => t.close());

  /** 3 Monay recipients (35.00) and 5 addresses (1.00 + 2.00 + … + 5.00 = 15.00), interleaved. */
  const mixed = () => [
    { to: payees[0].email, amount: '10.00', note: 'lunch' },
    { to: ADDRESSES[0], amount: '1.00', note: 'invoice #1001 — with a note longer than one bytes32' },
    { to: payees[1].address, amount: '20.00' },
    { to: ADDRESSES[1], amount: '2.00' },
    { to: ADDRESSES[2], amount: '3.00' },
    { to: payees[2].userId, amount: '5.00' },
    { to: ADDRESSES[3], amount: '4.00' },
    { to: ADDRESSES[4], amount: '5.00' },
  ];
  const externalIndexes = [1, 3, 4, 6, 7];
  const internalIndexes = [0, 2, 5];

  const batch = (customer: Customer, recipients: object[], key: string = randomUUID()) =>
    t
      .http()
      .post('/api/consumer/batch-transfer')
      .set(auth(customer))
      .set('Idempotency-Key', key)
      .send({ recipients });

  const sandbox = async (idempotencyKey: string) =>
    (await t.app
      .get(DataSource)
      .query(
        `SELECT provider, operation, status FROM sandbox_provider_transactions WHERE idempotency_key = $1`,
        [idempotencyKey],
      )) as Array<{ provider: string; operation: string; status: string }>;

  const breakerOf = async (name: string) => {
    const response = await t.http().get('/api/providers/health').set(auth(payer)).expect(200);
    return (response.body.providers as Array<{ name: string; breaker: string }>).find((p) => p.name === name)!
      .breaker;
  };
  const allClosed = () =>
    waitFor('every provider breaker closed', async () => {
      const response = await t.http().get('/api/providers/health').set(auth(payer)).expect(200);
      const providers = response.body.providers as Array<{ breaker: string }>;
      return providers.every((p) => p.breaker === 'closed') ? true : undefined;
    });

  const total = async () => Money.parse((await balanceOf(t, payer))!.total, 'USDC');
  const payeeTotals = async () =>
    Promise.all(payees.map(async (payee) => (await balanceOf(t, payee))?.total ?? '0.00'));

  /** The batch's internal legs: completed, one ledger transaction, booked all or nothing. */
  const expectInternalPaid = (body: Record<string, any>) => {
    const results = body.batch.results as Result[];
    for (const index of internalIndexes) {
      expect(results[index]).toMatchObject({
        index,
        kind: 'internal',
        status: 'completed',
        transferId: expect.any(String),
        movementId: null,
        provider: null,
      });
    }
    expect(body.batch).toMatchObject({
      fee: '0.50',
      feeCurrency: 'USDC',
      ledgerTransactionId: expect.any(String),
    });
    expect((body.batch.transfers as Array<{ batchId: string }>).map((x) => x.batchId)).toEqual([
      body.batch.id,
      body.batch.id,
      body.batch.id,
    ]);
  };

  it('Tempo healthy: the Monay legs booked atomically, the five addresses paid in ONE Tempo batch for one fee', async () => {
    const before = await total();
    const payeesBefore = await payeeTotals();
    const key = randomUUID();
    const response = await batch(payer, mixed(), key);
    expect(response.status).toBe(201);
    expect(response.body.success).toBe(true);
    const body = response.body;
    expect(body.batch).toMatchObject({
      id: expect.any(String),
      status: 'completed',
      recipientCount: 8,
      totals: [{ currency: 'USDC', amount: '50.00' }],
      summary: { completed: 8, processing: 0, failed: 0 },
      external: { fees: [{ currency: 'USDC', amount: '0.0001' }] },
    });
    expectInternalPaid(body);
    const results = body.batch.results as Result[];
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const [providerBatch] = body.batch.external.batches;
    expect(body.batch.external.batches).toHaveLength(1);
    expect(providerBatch).toMatchObject({
      status: 'completed',
      provider: 'tempo',
      amount: '15.00',
      fee: '0.0001',
      debited: '15.0001',
      recipients: 5,
      txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    for (const [position, index] of externalIndexes.entries()) {
      expect(results[index]).toEqual({
        index,
        to: ADDRESSES[position].toLowerCase(),
        kind: 'external',
        status: 'completed',
        amount: `${position + 1}.00`,
        currency: 'USDC',
        transferId: null,
        movementId: providerBatch.id,
        fee: '0.00',
        provider: 'tempo',
      });
    }

    // ONE provider transaction for all five, with every leg, the memo cut to Tempo's bytes32.
    expect(await sandbox(providerBatch.id)).toEqual([
      { provider: 'tempo', operation: 'batchTransfer', status: 'completed' },
    ]);
    const atTempo = await adapterOf(t, 'tempo').getTransactionStatus(providerBatch.id);
    expect(atTempo).toMatchObject({ amount: 15_000_000n, fee: 100n });
    expect(atTempo!.legs!.map((leg) => [leg.to, leg.amount])).toEqual(
      ADDRESSES.map((address, i) => [address.toLowerCase(), BigInt(i + 1) * 1_000_000n]),
    );
    expect(Buffer.byteLength(atTempo!.legs![0].memo!, 'utf8')).toBeLessThanOrEqual(32);
    expect(atTempo!.legs![1].memo).toBeUndefined();

    // One hold for Σ legs + a fee covering the fallback (5 × Monay's 0.50), posted once for Σ + 0.0001.
    const row = await movementRow(t, providerBatch.id);
    const hold = await holdOf(t, row.hold_id as string);
    expect({ status: hold.status, amount: hold.amount, posted: hold.postedAmount }).toEqual({
      status: 'posted',
      amount: 17_500_000n,
      posted: 15_000_100n,
    });

    // 35.00 + Monay's 0.50 + 15.00 + Tempo's 0.0001
    expect((await total()).toDecimalString()).toBe(
      before.minus(Money.parse('50.5001', 'USDC')).toDecimalString(),
    );
    expect((await balanceOf(t, payer))?.pending).toBe('0.00');
    const payeesAfter = await payeeTotals();
    expect(
      payeesAfter.map((after, i) =>
        Money.parse(after, 'USDC').minus(Money.parse(payeesBefore[i], 'USDC')).toDecimalString(),
      ),
    ).toEqual(['10.00', '20.00', '5.00']);

    const replay = await batch(payer, mixed(), key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(body);
    expect(await sandbox(providerBatch.id)).toHaveLength(1);
    expect((await total()).toDecimalString()).toBe(
      before.minus(Money.parse('50.5001', 'USDC')).toDecimalString(),
    );

    // The provider batch is looked up like a transfer; its history line is one transfer_out of 15.00.
    const status = await t
      .http()
      .get(`/api/p2p-transfer/status/${providerBatch.id}`)
      .set(auth(payer))
      .expect(200);
    expect(status.body.transfer).toMatchObject({
      type: 'external_batch',
      status: 'completed',
      batchId: body.batch.id,
      fee: '0.0001',
      recipients: ADDRESSES.map((address, i) => ({
        index: externalIndexes[i],
        to: { external: true, address: address.toLowerCase() },
        amount: `${i + 1}.00`,
      })),
    });
    await t.http().get(`/api/p2p-transfer/status/${providerBatch.id}`).set(auth(payees[0])).expect(404);
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?limit=20').set(auth(payer)).expect(200);
    const lines = (history.body.transactions as Array<Record<string, unknown>>).filter(
      (line) => line.batchId === body.batch.id,
    );
    expect(lines.filter((line) => line.id === providerBatch.id)).toEqual([
      expect.objectContaining({ type: 'transfer_out', status: 'completed', amount: '15.00', fee: '0.0001' }),
    ]);
    expect(lines).toHaveLength(4);

    await expectBooksBalanced(t, [payer, ...payees]);
    await expectProvidersReconciled(t);
  });

  it('Tempo refusing every call: the batch is tried, then each address goes through Circle on its own, each with its fee', async () => {
    const before = await total();
    await setMode(t, admin, 'tempo', 'degraded', { failureRate: 1 });
    let body: Record<string, any>;
    try {
      const response = await batch(payer, mixed());
      expect(response.status).toBe(201);
      body = response.body;
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(body.batch).toMatchObject({
      status: 'completed',
      summary: { completed: 8, processing: 0, failed: 0 },
      external: { fees: [{ currency: 'USDC', amount: '0.10' }] },
    });
    expectInternalPaid(body);
    // The provider batch was tried and no provider took it: failed, its hold voided, nothing charged.
    const [tried] = body.batch.external.batches;
    expect(body.batch.external.batches).toHaveLength(1);
    expect(tried).toMatchObject({
      status: 'failed',
      provider: null,
      fee: null,
      failure: { code: 'PROVIDER_UNAVAILABLE' },
      skippedProviders: expect.arrayContaining([
        expect.objectContaining({ provider: 'tempo', reason: 'unavailable' }),
      ]),
    });
    expect(await sandbox(tried.id)).toEqual([]);
    expect((await holdOf(t, (await movementRow(t, tried.id)).hold_id as string)).status).toBe('voided');
    await expectFiveCircleTransfers(body);
    // 35.00 + 0.50 + 15.00 + 5 × Circle's 0.02
    expect((await total()).toDecimalString()).toBe(
      before.minus(Money.parse('50.60', 'USDC')).toDecimalString(),
    );
    await allClosed();
    await expectBooksBalanced(t, [payer, ...payees]);
    await expectProvidersReconciled(t);
  });

  it('Tempo in outage with its breaker open: no batch is tried, five Circle transfers each with its own status and fee', async () => {
    const before = await total();
    await setMode(t, admin, 'tempo', 'outage');
    let body: Record<string, any>;
    try {
      await waitFor('tempo breaker open', async () =>
        (await breakerOf('tempo')) === 'open' ? true : undefined,
      );
      const response = await batch(payer, mixed());
      expect(response.status).toBe(201);
      body = response.body;
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(body.batch).toMatchObject({
      status: 'completed',
      summary: { completed: 8, processing: 0, failed: 0 },
      external: { batches: [], fees: [{ currency: 'USDC', amount: '0.10' }] },
    });
    expectInternalPaid(body);
    await expectFiveCircleTransfers(body);
    expect((await total()).toDecimalString()).toBe(
      before.minus(Money.parse('50.60', 'USDC')).toDecimalString(),
    );
    await allClosed();
    await expectBooksBalanced(t, [payer, ...payees]);
    await expectProvidersReconciled(t);
  });

  /** Five external results, each its own Circle transfer: completed, fee 0.02, found by its id, sent once. */
  async function expectFiveCircleTransfers(body: Record<string, any>) {
    const results = body.batch.results as Result[];
    const ids = new Set<string>();
    for (const [position, index] of externalIndexes.entries()) {
      const result = results[index];
      expect(result).toMatchObject({
        index,
        to: ADDRESSES[position].toLowerCase(),
        kind: 'external',
        status: 'completed',
        amount: `${position + 1}.00`,
        fee: '0.02',
        provider: 'circle',
      });
      expect(result.transferId).toBe(result.movementId);
      ids.add(result.movementId!);
      expect(await sandbox(result.movementId!)).toEqual([
        { provider: 'circle', operation: 'transferOut', status: 'completed' },
      ]);
      const status = await t
        .http()
        .get(`/api/p2p-transfer/status/${result.transferId}`)
        .set(auth(payer))
        .expect(200);
      expect(status.body.transfer).toMatchObject({
        type: 'external',
        status: 'completed',
        to: { external: true, address: ADDRESSES[position].toLowerCase() },
        fee: '0.02',
        debited: `${position + 1}.02`,
        batchId: body.batch.id,
        provider: 'circle',
      });
    }
    expect(ids.size).toBe(5);
  }

  it('the whole request is refused when internal + external + the fees held do not fit, though each part alone would', async () => {
    const poor = await onboard(t, 'poor');
    await deposit(t, poor, '20.00');
    const payeesBefore = await payeeTotals();
    // internal 10.00 + Monay's 0.50; external 2 × 4.50 + a fee held of 2 × 0.50: 20.50 > 20.00
    const recipients = [
      { to: payees[0].email, amount: '10.00' },
      { to: ADDRESSES[0], amount: '4.50' },
      { to: ADDRESSES[1], amount: '4.50' },
    ];
    const key = randomUUID();
    const response = await batch(poor, recipients, key).expect(422);
    expect(response.body).toMatchObject({
      success: false,
      error: { code: 'INSUFFICIENT_FUNDS' },
      batch: { status: 'failed', summary: { completed: 0, processing: 0, failed: 3 } },
    });
    expect((response.body.batch.results as Result[]).map((r) => [r.kind, r.status, r.error?.code])).toEqual([
      ['internal', 'failed', 'INSUFFICIENT_FUNDS'],
      ['external', 'failed', 'INSUFFICIENT_FUNDS'],
      ['external', 'failed', 'INSUFFICIENT_FUNDS'],
    ]);
    const movementId = (response.body.batch.results as Result[])[1].movementId!;
    expect(await sandbox(movementId)).toEqual([]);
    expect(await balanceOf(t, poor)).toEqual({
      currency: 'USDC',
      available: '20.00',
      pending: '0.00',
      total: '20.00',
    });
    expect(await payeeTotals()).toEqual(payeesBefore);
    const replay = await batch(poor, recipients, key).expect(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.batch.id).toBe(response.body.batch.id);

    // The same request with a little less fits.
    const fits = await batch(poor, [
      recipients[0],
      recipients[1],
      { to: ADDRESSES[1], amount: '4.00' },
    ]).expect(201);
    // 10.00 + 0.50 + 8.50 + 0.0001
    expect(fits.body.batch.external.batches[0]).toMatchObject({ provider: 'tempo', fee: '0.0001' });
    expect((await balanceOf(t, poor))?.total).toBe('0.9999');
    await expectBooksBalanced(t, [poor, ...payees]);
    await expectProvidersReconciled(t);
  });

  it('a Tempo batch that fails after it was accepted: the Monay legs stay paid, the five addresses fail, their hold voided (207)', async () => {
    const before = await total();
    await setMode(t, admin, 'tempo', 'healthy', { failAfterAcceptRate: 1 });
    let body: Record<string, any>;
    try {
      const response = await batch(payer, mixed());
      expect(response.status).toBe(207);
      body = response.body;
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(body.batch).toMatchObject({
      status: 'partially_completed',
      summary: { completed: 3, processing: 0, failed: 5 },
      external: { fees: [] },
    });
    expectInternalPaid(body);
    const [failed] = body.batch.external.batches;
    expect(failed).toMatchObject({
      status: 'failed',
      provider: 'tempo',
      failure: { code: 'PROVIDER_FAILED' },
    });
    for (const index of externalIndexes) {
      expect((body.batch.results as Result[])[index]).toMatchObject({
        status: 'failed',
        movementId: failed.id,
        error: { code: 'PROVIDER_FAILED' },
      });
    }
    expect((await holdOf(t, (await movementRow(t, failed.id)).hold_id as string)).status).toBe('voided');
    // Only the Monay legs and Monay's fee left the wallet.
    expect((await total()).toDecimalString()).toBe(
      before.minus(Money.parse('35.50', 'USDC')).toDecimalString(),
    );
    expect((await balanceOf(t, payer))?.pending).toBe('0.00');
    await expectBooksBalanced(t, [payer, ...payees]);
    await expectProvidersReconciled(t);
  });

  it('a batch of addresses only needs no Monay recipient and charges no Monay fee', async () => {
    const before = await total();
    const response = await batch(payer, [
      { to: ADDRESSES[0], amount: '1.00' },
      { to: ADDRESSES[1], amount: '1.00' },
    ]).expect(201);
    expect(response.body.batch).toMatchObject({
      status: 'completed',
      fee: null,
      feeCurrency: null,
      ledgerTransactionId: null,
      transfers: [],
      external: { batches: [expect.objectContaining({ provider: 'tempo', fee: '0.0001' })] },
    });
    expect((await total()).toDecimalString()).toBe(
      before.minus(Money.parse('2.0001', 'USDC')).toDecimalString(),
    );
    await expectBooksBalanced(t, [payer]);
    await expectProvidersReconciled(t);
  });
});
