import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { ProviderRouter } from '#monay/providers';
import { balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  adapterOf,
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
  swapPool,
  swapRequest,
} from './support/swaps';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Movements are given up (no provider has them) 3 s after they were recorded — not before. */
const RESOLVE_AFTER_MS = 3_000;

describe('provider swaps a crash left behind are finished by the poller', () => {
  let t: TestApp;
  let alice: Customer;

  beforeAll(async () => {
    // The route budget (3 providers × 2 × 200 ms + 300 ms + 1 s = 2.5 s) stays under the 3 s bound.
    ({ t } = await startProviderTestApp({
      PROVIDER_CALL_TIMEOUT_MS: '200',
      PROVIDER_SETTLE_WAIT_MS: '300',
      PROVIDER_PENDING_RESOLVE_AFTER_MS: String(RESOLVE_AFTER_MS),
    }));
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t.close());

  const movementOfKey = async (key: string) => {
    const [row] = (await t.app
      .get(DataSource)
      .query(`SELECT id FROM provider_movements WHERE idempotency_key = $1`, [key])) as Array<{ id: string }>;
    return row!.id;
  };
  const statusOf = async (id: string) => (await movementRow(t, id)).status as string;

  it('a swap the provider executed before the crash: found there by the poller and booked once, in both currencies', async () => {
    const quote = await quoted(t, alice, { from: 'USDC', to: 'EURC', amount: '30.03' });
    const { userOut, providerOut } = expectedDelivery(quote);
    const poolBefore = await swapPool(t, 'EURC');
    const router = t.app.get(ProviderRouter);
    const real = router.execute.bind(router);
    jest.spyOn(router, 'execute').mockImplementationOnce(async (...args) => {
      await real(...args);
      throw new Error('the process died after the provider accepted');
    });
    const key = randomUUID();
    expect((await swapRequest(t, alice, { quoteId: quote.quoteId }, key)).status).toBe(500);
    const id = await movementOfKey(key);
    expect(await adapterOf(t, 'tempo').getTransactionStatus(id)).toMatchObject({
      status: 'completed',
      operation: 'swap',
      swapOut: { currency: 'EURC', amount: providerOut },
    });
    // Held, not booked yet.
    expect(await balanceOf(t, alice, 'USDC')).toEqual({
      currency: 'USDC',
      available: '69.97',
      pending: '30.03',
      total: '100.00',
    });

    // Before it is booked, the provider reconciliation counts it in transit: −A sold, +P delivered.
    const dataSource = t.app.get(DataSource);
    await dataSource.query(
      `UPDATE provider_movements SET next_poll_at = now() + interval '1 hour' WHERE id = $1`,
      [id],
    );
    const report = await expectProvidersReconciled(t);
    const tempo = report.providers.find((provider) => provider.name === 'tempo')!;
    expect(tempo.inTransitMovements).toEqual([id]);
    expect(tempo.balances.find((line) => line.currency === 'USDC')).toMatchObject({
      inTransit: '-30.03',
      ok: true,
    });
    expect(tempo.balances.find((line) => line.currency === 'EURC')).toMatchObject({
      inTransit: Money.of(providerOut, 'EURC').toDecimalString(),
      ok: true,
    });
    await dataSource.query(`UPDATE provider_movements SET next_poll_at = now() WHERE id = $1`, [id]);

    await waitFor('the poller to book the swap', async () =>
      (await statusOf(id)) === 'completed' ? true : undefined,
    );
    expect(await movementRow(t, id)).toMatchObject({ provider: 'tempo', fee: '9009', net: '30030000' });
    expect(await balanceOf(t, alice, 'USDC')).toEqual({
      currency: 'USDC',
      available: '69.97',
      pending: '0.00',
      total: '69.97',
    });
    expect(minorOf((await balanceOf(t, alice, 'EURC'))!.total, 'EURC')).toBe(userOut);
    expect((await swapPool(t, 'EURC')) - poolBefore).toBe(providerOut - userOut);
    const answered = await swapRequest(t, alice, { quoteId: quote.quoteId }, key).expect(201);
    expect(answered.headers['idempotent-replayed']).toBe('true');
    expect(answered.body.swap).toMatchObject({ id, status: 'completed', amountOut: quote.amountOut });

    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectMoneyConserved(t, ['USDC', 'EURC']);
    await expectProvidersReconciled(t);
  });

  it('a swap never routed: A held, then failed PROVIDER_STUCK past the bound, the hold voided; the quote is free again', async () => {
    const before = await balanceOf(t, alice, 'USDC');
    const quote = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '20.00' });
    jest
      .spyOn(t.app.get(ProviderRouter), 'execute')
      .mockImplementationOnce(() => Promise.reject(new Error('the process died before routing')));
    const key = randomUUID();
    expect((await swapRequest(t, alice, { quoteId: quote.quoteId }, key)).status).toBe(500);
    const id = await movementOfKey(key);
    expect(await movementRow(t, id)).toMatchObject({ status: 'pending', provider: null });
    expect((await balanceOf(t, alice, 'USDC'))?.pending).toBe('20.00');
    // Under way: the quote cannot be used by another request meanwhile.
    const meanwhile = await swapRequest(t, alice, { quoteId: quote.quoteId });
    expect(meanwhile.status).toBe(409);
    expect(meanwhile.body.error.code).toBe('QUOTE_ALREADY_USED');

    await waitFor('the poller to give the swap up', async () =>
      (await statusOf(id)) === 'failed' ? true : undefined,
    );
    const row = await movementRow(t, id);
    expect(row).toMatchObject({ status: 'failed', failure_code: 'PROVIDER_STUCK' });
    expect((await holdOf(t, row.hold_id as string)).status).toBe('voided');
    expect(await balanceOf(t, alice, 'USDC')).toEqual(before);
    const answered = await swapRequest(t, alice, { quoteId: quote.quoteId }, key).expect(422);
    expect(answered.body).toMatchObject({
      error: { code: 'PROVIDER_STUCK' },
      swap: { id, status: 'failed' },
    });
    // No provider ever took it, so its quote (and the provider's behind it) is still good for another request.
    const retried = await swapRequest(t, alice, { quoteId: quote.quoteId });
    expect(retried.status).toBe(201);
    expect(retried.body.swap).toMatchObject({ status: 'completed', amountOut: quote.amountOut });
    expect(minorOf((await balanceOf(t, alice, 'USDC'))!.total, 'USDC')).toBe(
      minorOf(before!.total, 'USDC') - 20_000_000n,
    );

    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
  });
});
