import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { randomUUID } from 'node:crypto';
import { Money } from '#monay/kernel';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { expectClearingMirrorsProviders, startProviderTestApp } from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import { expectMoneyConserved, minorOf, quoted, swapRequest } from './support/swaps';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('provider swaps are refused for funds, and concurrent swaps never overdraw', () => {
  let t: TestApp;
  let alice: Customer;
  let carol: Customer;

  beforeAll(async () => {
    ({ t } = await startProviderTestApp({
      LIMIT_TIERS: JSON.stringify({ '1': { daily: '100000.00', monthly: '1000000.00', maxPerHour: 1000 } }),
    }));
    [alice, carol] = [await onboard(t, 'alice'), await onboard(t, 'carol')];
    await deposit(t, alice, '40.00');
    await deposit(t, carol, '100.00');
  });
  afterAll(() => t.close());

  it('more than the wallet holds: 422 INSUFFICIENT_FUNDS, nothing held or moved; exactly all of it goes through', async () => {
    const quote = await quoted(t, alice, { from: 'USDC', to: 'EURC', amount: '40.000001' });
    const key = randomUUID();
    const refused = await swapRequest(t, alice, { quoteId: quote.quoteId }, key);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      success: false,
      error: { code: 'INSUFFICIENT_FUNDS' },
      swap: { status: 'failed', amountIn: '40.000001', quoteId: quote.quoteId },
    });
    expect(await balanceOf(t, alice, 'USDC')).toEqual({
      currency: 'USDC',
      available: '40.00',
      pending: '0.00',
      total: '40.00',
    });
    expect((await balanceOf(t, alice, 'EURC'))?.total).toBe('0.00');
    const replay = await swapRequest(t, alice, { quoteId: quote.quoteId }, key).expect(422);
    expect(replay.headers['idempotent-replayed']).toBe('true');

    // The whole balance, fee inside: nothing is held on top of the amount.
    const all = await swapRequest(t, alice, { from: 'USDC', to: 'EURC', amount: '40.00' });
    expect(all.status).toBe(201);
    expect(await balanceOf(t, alice, 'USDC')).toEqual({
      currency: 'USDC',
      available: '0.00',
      pending: '0.00',
      total: '0.00',
    });
    expect((await balanceOf(t, alice, 'EURC'))?.total).toBe(all.body.swap.amountOut);
    await expectBooksBalanced(t, [alice]);
  });

  itRacesOnPostgres(
    'of 8 concurrent swaps of 30.00 from 100.00, those that complete fit; the others are refused for funds',
    async () => {
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          swapRequest(t, carol, { from: 'USDC', to: index % 2 === 0 ? 'USDT' : 'EURC', amount: '30.00' }),
        ),
      );
      // On a loaded machine a provider may not settle within the request's wait: a 202 is settled by the
      // poller, and its final state is what counts.
      const settled = await Promise.all(
        responses.map(async (r) => {
          if (r.status !== 202) return r;
          const id = r.body.swap.id as string;
          const body = await waitFor(`swap ${id} settled`, async () => {
            const seen = await t.http().get(`/api/consumer/swaps/${id}`).set(auth(carol)).expect(200);
            return seen.body.swap.status === 'completed' ? seen.body : undefined;
          });
          return { status: 201, body };
        }),
      );
      const completed = settled.filter((r) => r.status === 201);
      const refused = settled.filter((r) => r.status === 422);
      expect(completed.length + refused.length).toBe(8);
      expect(completed).toHaveLength(3);
      expect(new Set(refused.map((r) => r.body.error.code))).toEqual(new Set(['INSUFFICIENT_FUNDS']));

      const usdc = await balanceOf(t, carol, 'USDC');
      expect(usdc).toEqual({ currency: 'USDC', available: '10.00', pending: '0.00', total: '10.00' });
      for (const currency of ['USDT', 'EURC'] as const) {
        const bought = completed
          .filter((r) => r.body.swap.to === currency)
          .reduce((sum, r) => sum + minorOf(r.body.swap.amountOut as string, currency), 0n);
        expect((await balanceOf(t, carol, currency))?.total).toBe(
          Money.of(bought, currency).toDecimalString(),
        );
      }

      await expectBooksBalanced(t, [alice, carol]);
      await expectClearingMirrorsProviders(t);
      await expectMoneyConserved(t, ['USDC', 'USDT', 'EURC']);
      await expectProvidersReconciled(t);
    },
  );
});
