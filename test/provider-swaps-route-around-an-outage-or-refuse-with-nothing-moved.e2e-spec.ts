import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  setMode,
  startProviderTestApp,
} from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import { expectedDelivery, expectMoneyConserved, minorOf, quoted, swapRequest } from './support/swaps';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('provider swaps route around an outage at quote time, or are refused with nothing moved', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp());
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t.close());

  const allClosed = () =>
    waitFor('every provider breaker closed', async () => {
      const response = await t.http().get('/api/providers/health').set(auth(alice)).expect(200);
      const providers = response.body.providers as Array<{ breaker: string }>;
      return providers.every((p) => p.breaker === 'closed') ? true : undefined;
    });
  const keyed = async (key: string) =>
    (await t.app
      .get(DataSource)
      .query(`SELECT id, status, failure_code FROM provider_movements WHERE idempotency_key = $1`, [
        key,
      ])) as Array<{ id: string; status: string; failure_code: string | null }>;

  it('Tempo down: USDC → USDT goes through Monay; EURC is refused 503 with nothing moved and the key released', async () => {
    await setMode(t, admin, 'tempo', 'outage');
    const eurcKey = randomUUID();
    try {
      const response = await swapRequest(t, alice, { from: 'USDC', to: 'USDT', amount: '25.00' });
      expect(response.status).toBe(201);
      const { swap } = response.body;
      expect(swap).toMatchObject({
        status: 'completed',
        provider: 'monay',
        from: 'USDC',
        to: 'USDT',
        amountIn: '25.00',
        // Monay's USDC↔USDT exchange: 0.10 %
        fee: '0.025',
        rate: '1.00000000',
        amountOut: '24.975',
      });
      expect(expectedDelivery({ ...swap, amount: swap.amountIn }).userOut).toBe(24_975_000n);
      expect(await balanceOf(t, alice, 'USDC')).toEqual({
        currency: 'USDC',
        available: '75.00',
        pending: '0.00',
        total: '75.00',
      });
      expect((await balanceOf(t, alice, 'USDT'))?.total).toBe('24.975');

      // EURC: only Tempo swaps it (Circle has no swaps, Monay no EURC).
      const refused = await swapRequest(t, alice, { from: 'USDC', to: 'EURC', amount: '10.00' }, eurcKey);
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('PROVIDER_UNAVAILABLE');
      const skipped = refused.body.error.details.skipped as Array<{ provider: string; reason: string }>;
      expect(Object.fromEntries(skipped.map((s) => [s.provider, s.reason]))).toEqual({
        tempo: expect.stringMatching(/^(unavailable|breaker_open)$/),
        circle: 'unsupported_operation',
        monay: 'unsupported_currency',
      });
      expect(await keyed(eurcKey)).toEqual([]);
      const quote = await t
        .http()
        .get('/api/consumer/swap/quote?from=EURC&to=USDC&amount=1.00')
        .set(auth(alice));
      expect(quote.status).toBe(503);
      expect((await balanceOf(t, alice, 'USDC'))?.total).toBe('75.00');
      expect((await balanceOf(t, alice, 'EURC'))?.total).toBe('0.00');

      await expectBooksBalanced(t, [alice]);
      await expectProvidersReconciled(t, { unreachable: ['tempo'] });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    await allClosed();
    // The key was released: the same request now runs afresh through Tempo.
    const retried = await swapRequest(t, alice, { from: 'USDC', to: 'EURC', amount: '10.00' }, eurcKey);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(retried.body.swap).toMatchObject({ provider: 'tempo', status: 'completed' });
    expect((await balanceOf(t, alice, 'USDC'))?.total).toBe('65.00');
    expect((await balanceOf(t, alice, 'EURC'))?.total).toBe(retried.body.swap.amountOut);

    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectMoneyConserved(t, ['USDC', 'USDT', 'EURC']);
    await expectProvidersReconciled(t);
  });

  it("a quote's provider goes down before it is executed: 503, the hold voided, the key released; the quote works once it is back", async () => {
    const quote = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '15.00' });
    expect(quote.provider).toBe('tempo');
    const before = await balanceOf(t, alice, 'USDC');
    const key = randomUUID();
    await setMode(t, admin, 'tempo', 'outage');
    try {
      const refused = await swapRequest(t, alice, { quoteId: quote.quoteId }, key);
      expect(refused.status).toBe(503);
      expect(refused.body.error.code).toBe('PROVIDER_UNAVAILABLE');
      // Monay swaps USDC↔USDT too, but the quote is Tempo's: nobody else executes it.
      const [movement] = await keyed(key);
      expect(movement).toMatchObject({ status: 'failed', failure_code: 'PROVIDER_UNAVAILABLE' });
      const row = await movementRow(t, movement!.id);
      expect((await holdOf(t, row.hold_id as string)).status).toBe('voided');
      expect(await balanceOf(t, alice, 'USDC')).toEqual(before);
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    await allClosed();
    const done = await swapRequest(t, alice, { quoteId: quote.quoteId }, key);
    expect(done.status).toBe(201);
    expect(done.body.swap).toMatchObject({ provider: 'tempo', amountOut: quote.amountOut });
    expect(minorOf((await balanceOf(t, alice, 'USDC'))!.total, 'USDC')).toBe(
      minorOf(before!.total, 'USDC') - 15_000_000n,
    );

    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectMoneyConserved(t, ['USDC', 'USDT', 'EURC']);
    await expectProvidersReconciled(t);
  });
});
