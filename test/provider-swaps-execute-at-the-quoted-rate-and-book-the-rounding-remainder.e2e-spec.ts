import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { OutboxRelay } from '#monay/shared';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  startProviderTestApp,
} from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import {
  expectedDelivery,
  expectMoneyConserved,
  minorOf,
  quoted,
  quoteSwap,
  referenceRate,
  swapPool,
  swapRequest,
} from './support/swaps';
import type { TestApp } from './support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EURC_USD_PRICE = '1.08';

describe('provider swaps execute at the quoted rate and book the rounding remainder to the swap pool', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let aliceWs: RealtimeClient | undefined;

  beforeAll(async () => {
    ({ t } = await startProviderTestApp({ EURC_USD_PRICE }));
    await t.app.listen(0, '127.0.0.1');
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '500.00');
    await t.app.get(OutboxRelay).drain();
  });
  afterAll(async () => {
    aliceWs?.close();
    await t.close();
  });

  it('quote then swap 100.01 USDC → EURC: exactly the quoted amount, the remainder of 1 in the swap pool, one ledger transaction', async () => {
    aliceWs = await RealtimeClient.connect(await t.app.getUrl(), alice.token);
    const quote = await quoted(t, alice, { from: 'USDC', to: 'EURC', amount: '100.01' });
    expect(quote).toEqual({
      quoteId: expect.stringMatching(UUID),
      from: 'USDC',
      to: 'EURC',
      amount: '100.01',
      rate: referenceRate('1', EURC_USD_PRICE),
      // Tempo's exchange: 0.03 % of 100.01, rounded up to the minor unit
      fee: '0.030003',
      amountOut: expect.any(String),
      expiresAt: expect.any(String),
      provider: 'tempo',
    });
    expect(quote.rate).toBe('0.92592592');
    const { userOut, providerOut } = expectedDelivery(quote);
    expect(minorOf(quote.amountOut, 'EURC')).toBe(userOut);
    // (100.01 − 0.030003) × 0.92592592 = 92.57407070382224…: the provider rounds half up, the user gets the floor
    expect(providerOut - userOut).toBe(1n);
    expect(Date.parse(quote.expiresAt)).toBeGreaterThan(Date.now());

    const poolBefore = await swapPool(t, 'EURC');
    const key = randomUUID();
    const response = await swapRequest(t, alice, { quoteId: quote.quoteId }, key);
    expect(response.status).toBe(201);
    const { swap } = response.body;
    expect(response.body).toEqual({
      success: true,
      swap: {
        id: expect.stringMatching(UUID),
        status: 'completed',
        quoteId: quote.quoteId,
        from: 'USDC',
        to: 'EURC',
        amountIn: '100.01',
        fee: '0.030003',
        rate: quote.rate,
        amountOut: quote.amountOut,
        provider: 'tempo',
        // Left out before any call: Circle has no swaps, Monay no EURC.
        skippedProviders: [
          { provider: 'circle', reason: 'unsupported_operation', detail: expect.any(String) },
          { provider: 'monay', reason: 'unsupported_currency', detail: expect.any(String) },
        ],
        settlementTimeMs: expect.any(Number),
        transactionId: expect.stringMatching(UUID),
        createdAt: expect.any(String),
        completedAt: expect.any(String),
      },
    });

    // Balances exact to the minor unit in both currencies.
    expect(await balanceOf(t, alice, 'USDC')).toEqual({
      currency: 'USDC',
      available: '399.99',
      pending: '0.00',
      total: '399.99',
    });
    expect(await balanceOf(t, alice, 'EURC')).toEqual({
      currency: 'EURC',
      available: quote.amountOut,
      pending: '0.00',
      total: quote.amountOut,
    });
    expect((await swapPool(t, 'EURC')) - poolBefore).toBe(providerOut - userOut);

    // A was held (the fee is inside it, nothing on top) and posted in full.
    const row = await movementRow(t, swap.id);
    expect(row).toMatchObject({ status: 'completed', provider: 'tempo', fee: '30003', net: '100010000' });
    const hold = await holdOf(t, row.hold_id as string);
    expect({ status: hold.status, amount: hold.amount, posted: hold.postedAmount }).toEqual({
      status: 'posted',
      amount: 100_010_000n,
      posted: 100_010_000n,
    });

    // Both currencies in one ledger transaction, each balancing.
    const entries = await t.app
      .get(LedgerService)
      .transactionEntries(t.app.get(DataSource).manager, swap.transactionId);
    const amounts = (currency: string) =>
      entries
        .filter((entry) => entry.currency === currency)
        .map((entry) => entry.amount)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(amounts('USDC')).toEqual([-100_010_000n, 100_010_000n]);
    expect(amounts('EURC')).toEqual([-providerOut, 1n, userOut]);

    // The same key answers the same again; the swap is its owner's only.
    const replay = await swapRequest(t, alice, { quoteId: quote.quoteId }, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(response.body);
    const fetched = await t.http().get(`/api/consumer/swaps/${swap.id}`).set(auth(alice)).expect(200);
    expect(fetched.body).toEqual({ success: true, swap });
    await t.http().get(`/api/consumer/swaps/${swap.id}`).set(auth(bob)).expect(404);
    await t.http().get(`/api/consumer/withdrawals/${swap.id}`).set(auth(alice)).expect(404);
    await t.http().get('/api/consumer/swaps/not-a-swap').set(auth(alice)).expect(404);

    // History: what was sold and what was bought, under the swap's id.
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions').set(auth(alice)).expect(200);
    const lines = (history.body.transactions as Array<Record<string, unknown>>).filter(
      (l) => l.id === swap.id,
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'swap_out',
          status: 'completed',
          currency: 'USDC',
          amount: '100.01',
          fee: '0.030003',
        }),
        expect.objectContaining({
          type: 'swap_in',
          status: 'completed',
          currency: 'EURC',
          amount: quote.amountOut,
          fee: '0.00',
        }),
      ]),
    );
    expect(lines).toHaveLength(2);
    const bought = await t.http().get('/api/transactions?type=swap_in').set(auth(alice)).expect(200);
    expect(bought.body.transactions).toEqual([expect.objectContaining({ id: swap.id, currency: 'EURC' })]);

    // Realtime: both lines and both balances reach the owner's socket.
    const socket = aliceWs;
    await socket.until('the swap completed on the socket', (messages) =>
      messages.filter((m) => m.event === 'balance.updated').length >= 3 ? true : undefined,
    );
    const transactions = socket.of('transaction.updated').filter((m) => m.id === swap.id);
    expect(transactions.map((m) => [m.type, m.status, m.currency, m.amount])).toEqual([
      ['swap_out', 'processing', 'USDC', '100.01'],
      ['swap_out', 'completed', 'USDC', '100.01'],
      ['swap_in', 'completed', 'EURC', quote.amountOut],
    ]);
    const finalBalances = socket.of('balance.updated').slice(-2);
    expect(finalBalances.map((b) => [b.currency, b.total])).toEqual([
      ['USDC', '399.99'],
      ['EURC', quote.amountOut],
    ]);

    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectMoneyConserved(t, ['USDC', 'EURC']);
    await expectProvidersReconciled(t);
  });

  it('EURC → USDC at the inverse rate, {from, to, amount} quoted and executed at once', async () => {
    const eurcBefore = minorOf((await balanceOf(t, alice, 'EURC'))!.total, 'EURC');
    const usdcBefore = minorOf((await balanceOf(t, alice, 'USDC'))!.total, 'USDC');
    const poolBefore = await swapPool(t, 'USDC');
    const key = randomUUID();
    const response = await swapRequest(t, alice, { from: 'EURC', to: 'USDC', amount: '50.000001' }, key);
    expect(response.status).toBe(201);
    const { swap } = response.body;
    expect(swap).toMatchObject({
      status: 'completed',
      from: 'EURC',
      to: 'USDC',
      amountIn: '50.000001',
      rate: referenceRate(EURC_USD_PRICE, '1'),
      provider: 'tempo',
    });
    const { userOut, providerOut } = expectedDelivery({ ...swap, amount: swap.amountIn });
    expect(minorOf(swap.amountOut, 'USDC')).toBe(userOut);
    expect(minorOf((await balanceOf(t, alice, 'EURC'))!.total, 'EURC')).toBe(eurcBefore - 50_000_001n);
    expect(minorOf((await balanceOf(t, alice, 'USDC'))!.total, 'USDC')).toBe(usdcBefore + userOut);
    expect((await swapPool(t, 'USDC')) - poolBefore).toBe(providerOut - userOut);

    // The same key again: the same swap (its quote is reused, not asked again).
    const replay = await swapRequest(t, alice, { from: 'EURC', to: 'USDC', amount: '50.000001' }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(response.body);
    // The same key with another body is refused.
    const reused = await swapRequest(t, alice, { from: 'EURC', to: 'USDC', amount: '1.00' }, key);
    expect(reused.status).toBe(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');

    await expectBooksBalanced(t, [alice]);
    await expectMoneyConserved(t, ['USDC', 'EURC']);
    await expectProvidersReconciled(t);
  });

  it('refuses bad input with 400, never 500, and moves nothing', async () => {
    const before = await balanceOf(t, alice, 'USDC');
    const bad = async (query: Record<string, string>) => {
      const response = await t.http().get('/api/consumer/swap/quote').query(query).set(auth(alice));
      expect({ query, status: response.status, code: response.body.error?.code }).toEqual({
        query,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    };
    await bad({ from: 'USDC', to: 'USDC', amount: '10.00' });
    await bad({ from: 'USDC', to: 'XYZ', amount: '10.00' });
    await bad({ from: 'USD', to: 'EURC', amount: '10.00' });
    await bad({ from: 'USDC', to: 'EURC', amount: '0' });
    await bad({ from: 'USDC', to: 'EURC', amount: '-1.00' });
    await bad({ from: 'USDC', to: 'EURC', amount: '1.0000001' });
    await bad({ from: 'USDC', to: 'EURC', amount: '1e3' });
    await bad({ from: 'USDC', to: 'EURC' });
    await bad({ to: 'EURC', amount: '10.00' });
    await t.http().get('/api/consumer/swap/quote?from=USDC&to=EURC&amount=1.00').expect(401);

    const refused = async (body: Record<string, unknown>, key: string | null = randomUUID()) => {
      const request = t.http().post('/api/consumer/swap').set(auth(alice));
      const response = await (key === null ? request : request.set('Idempotency-Key', key)).send(body);
      expect({ body, status: response.status }).toEqual({ body, status: 400 });
      return response.body.error.code as string;
    };
    expect(await refused({ from: 'USDC', to: 'USDC', amount: '1.00' })).toBe('VALIDATION_FAILED');
    expect(await refused({ from: 'USDC', to: 'EURC' })).toBe('VALIDATION_FAILED');
    expect(await refused({})).toBe('VALIDATION_FAILED');
    expect(await refused({ quoteId: 'not-a-quote' })).toBe('VALIDATION_FAILED');
    expect(await refused({ quoteId: randomUUID(), from: 'USDC', to: 'EURC', amount: '1.00' })).toBe(
      'VALIDATION_FAILED',
    );
    expect(await refused({ from: 'USDC', to: 'EURC', amount: 1.5, extra: true })).toBe('VALIDATION_FAILED');
    expect(await refused({ from: 'USDC', to: 'EURC', amount: '1.00' }, null)).toBe(
      'IDEMPOTENCY_KEY_REQUIRED',
    );
    // A quote id that is nobody's: 404.
    const unknown = await swapRequest(t, alice, { quoteId: randomUUID() });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    // Too small to deliver anything: 422.
    const tiny = await quoteSwap(t, alice, { from: 'USDC', to: 'EURC', amount: '0.000001' });
    expect(tiny.status).toBe(422);
    expect(await balanceOf(t, alice, 'USDC')).toEqual(before);
    await expectBooksBalanced(t, [alice]);
  });
});
