import { ProjectionRebuilder, ReconciliationProcessor } from '#monay/insights';
import { Money, type CurrencyCode } from '#monay/kernel';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { expectClearingMirrorsProviders, startProviderTestApp } from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import {
  expectedDelivery,
  expectMoneyConserved,
  minorOf,
  quoted,
  swapPool,
  swapRequest,
  type QuoteView,
} from './support/swaps';
import type { TestApp } from './support/test-app';

const CURRENCIES: CurrencyCode[] = ['USDC', 'USDT', 'EURC'];
/** Odd amounts, so that fees round and products have fractions. */
const AMOUNTS = [
  '13.370001',
  '7.777777',
  '21.000009',
  '0.999999',
  '42.424242',
  '3.141593',
  '18.181819',
  '5.000003',
  '27.27',
  '11.111111',
];

describe('provider swap round trips never create money', () => {
  let t: TestApp;
  let alice: Customer;

  beforeAll(async () => {
    ({ t } = await startProviderTestApp({
      LIMIT_TIERS: JSON.stringify({ '1': { daily: '100000.00', monthly: '1000000.00', maxPerHour: 1000 } }),
    }));
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '300.00');
  });
  afterAll(() => t.close());

  const total = async (currency: CurrencyCode) =>
    minorOf((await balanceOf(t, alice, currency))!.total, currency);

  /** Quotes and executes; checks it delivered exactly the quote; returns the quote and the remainder booked. */
  async function swap(from: CurrencyCode, to: CurrencyCode, amount: string) {
    const quote: QuoteView = await quoted(t, alice, { from, to, amount });
    const { userOut, providerOut } = expectedDelivery(quote);
    expect(minorOf(quote.amountOut, to)).toBe(userOut);
    const response = await swapRequest(t, alice, { quoteId: quote.quoteId });
    expect(response.status).toBe(201);
    expect(response.body.swap).toMatchObject({ status: 'completed', amountOut: quote.amountOut });
    return { received: userOut, remainder: providerOut - userOut };
  }

  it('ten round trips USDC → USDT → USDC and USDC → EURC → USDC: the user never ends with more; every currency is conserved', async () => {
    const start = await total('USDC');
    const pools = new Map(await Promise.all(CURRENCIES.map(async (c) => [c, await swapPool(t, c)] as const)));
    const remainders = new Map<CurrencyCode, bigint>(CURRENCIES.map((c) => [c, 0n]));
    let remainderCount = 0;

    for (const [index, amount] of AMOUNTS.entries()) {
      const via: CurrencyCode = index % 2 === 0 ? 'USDT' : 'EURC';
      const sent = minorOf(amount, 'USDC');
      const before = await total('USDC');
      const out = await swap('USDC', via, amount);
      remainders.set(via, remainders.get(via)! + out.remainder);
      // Sell back exactly what was bought.
      const back = await swap(via, 'USDC', Money.of(out.received, via).toDecimalString());
      remainders.set('USDC', remainders.get('USDC')! + back.remainder);
      remainderCount += Number(out.remainder + back.remainder);

      // Each round trip costs the user at least the fees; never a gain.
      expect(back.received).toBeLessThan(sent);
      expect(await total('USDC')).toBe(before - sent + back.received);
      expect(await total(via)).toBe(0n);
      await expectMoneyConserved(t, CURRENCIES);
    }

    expect(await total('USDC')).toBeLessThan(start);
    for (const currency of CURRENCIES) {
      // The pool holds exactly the remainders the quotes imply (computed here), nothing more, nothing less.
      expect({ currency, pool: (await swapPool(t, currency)) - pools.get(currency)! }).toEqual({
        currency,
        pool: remainders.get(currency),
      });
      expect((await balanceOf(t, alice, currency))!.pending).toBe('0.00');
    }
    // The EURC legs do have fractions to round: the test would prove nothing about the pool otherwise.
    expect(remainderCount).toBeGreaterThan(0);

    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
  });

  it('the read models stay equal to the ledger, and rebuild from the journal to the same state', async () => {
    const reconciled = await t.app.get(ReconciliationProcessor).reconcile();
    expect(reconciled).toMatchObject({ ok: true, ledgerBreaches: [], portfolioMismatches: [] });

    const history = () => t.http().get('/api/transactions?limit=100').set(auth(alice)).expect(200);
    const before = await history();
    const lines = before.body.transactions as Array<{ type: string; status: string }>;
    // Two lines per swap (what was sold, what was bought), all completed.
    expect(lines.filter((line) => line.type === 'swap_out')).toHaveLength(2 * AMOUNTS.length);
    expect(lines.filter((line) => line.type === 'swap_in')).toHaveLength(2 * AMOUNTS.length);
    expect(lines.every((line) => line.status === 'completed')).toBe(true);
    await t.app.get(ProjectionRebuilder).rebuild();
    expect((await history()).body).toEqual(before.body);
    await expectBooksBalanced(t, [alice]);
  });
});
