import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from './support/money';
import { expectClearingMirrorsProviders, startProviderTestApp } from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** The most one movement may move, in any currency (1,000,000,000.00). */
const MAX = '1000000000.00';
const JUST_ABOVE = '1000000000.000001';
const EXTERNAL = `0x${'ab'.repeat(20)}`;

/** Limits far above anything here: the amounts must meet the per-movement maximum, not a KYC limit. */
const NO_LIMITS = {
  perTransaction: '999999999999.00',
  daily: '999999999999.00',
  monthly: '999999999999.00',
  maxPerHour: 100_000,
};

/**
 * Every amount a request moves is checked at the edge against its currency's per-movement maximum (400
 * AMOUNT_TOO_LARGE naming it), so that no sum of a few movements nears what the ledger's columns hold. Up to that
 * maximum, every money route moves exactly, also twice at once.
 */
describe('money routes: amounts above the per-movement maximum are refused; the largest move exactly', () => {
  let t: TestApp;
  let payer: Customer;
  let bob: Customer;
  let carol: Customer;

  beforeAll(async () => {
    ({ t } = await startProviderTestApp({
      LIMIT_TIERS: JSON.stringify({ '1': NO_LIMITS, '2': NO_LIMITS, '3': NO_LIMITS }),
      // The largest amounts, not the second factor, are this file's subject (step-up has its own).
      STEP_UP_AMOUNT_USD: '100000000000.00',
    }));
    payer = await onboard(t, 'payer');
    bob = await onboard(t, 'bob');
    carol = await onboard(t, 'carol');
  });
  afterAll(() => t.close());

  const post = (
    path: string,
    customer: Customer,
    body: Record<string, unknown>,
    key: string = randomUUID(),
  ) => t.http().post(path).set(auth(customer)).set('Idempotency-Key', key).send(body);

  const movementCount = async () =>
    (
      (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM provider_movements`)) as Array<{
        n: number;
      }>
    )[0].n;

  it('the reported case: a deposit of 9,000,000,000,000 twice is 400 AMOUNT_TOO_LARGE both times, nothing recorded', async () => {
    const before = await movementCount();
    for (const key of [randomUUID(), randomUUID()]) {
      for (let attempt = 0; attempt < 2; attempt += 1) {
        const response = await post('/api/consumer/deposit', payer, { amount: '9000000000000' }, key);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({
          success: false,
          error: {
            code: 'AMOUNT_TOO_LARGE',
            message: `amount must be at most ${MAX} USDC per movement`,
            details: { field: 'amount', maximum: MAX, currency: 'USDC' },
          },
        });
      }
    }
    expect(await movementCount()).toBe(before);
    expect(await balanceOf(t, payer)).toMatchObject({ total: '0.00' });
  });

  it.each<[string, string, (customer: Customer) => ReturnType<typeof post>, string]>([
    ['a deposit', 'POST', (c) => post('/api/consumer/deposit', c, { amount: JUST_ABOVE }), 'amount'],
    [
      'a deposit in EURC, as a JSON number',
      'POST',
      (c) => post('/api/consumer/deposit', c, { amount: 1000000001, currency: 'EURC' }),
      'amount',
    ],
    [
      'a withdrawal',
      'POST',
      (c) => post('/api/consumer/withdraw', c, { amount: JUST_ABOVE, destination: 'GB33BUKB20201555555555' }),
      'amount',
    ],
    [
      'a P2P send',
      'POST',
      (c) => post('/api/p2p-transfer/send', c, { to: bob.email, amount: JUST_ABOVE }),
      'amount',
    ],
    [
      'a consumer transfer',
      'POST',
      (c) => post('/api/consumer/transfer', c, { to: bob.email, amount: JUST_ABOVE }),
      'amount',
    ],
    [
      'an external transfer',
      'POST',
      (c) => post('/api/p2p-transfer/send', c, { to: EXTERNAL, amount: JUST_ABOVE }),
      'amount',
    ],
    [
      'a batch leg',
      'POST',
      (c) =>
        post('/api/consumer/batch-transfer', c, {
          recipients: [
            { to: bob.email, amount: '1.00' },
            { to: carol.email, amount: JUST_ABOVE },
          ],
        }),
      'recipients.1.amount',
    ],
    [
      'a batch whose legs add up to more',
      'POST',
      (c) =>
        post('/api/consumer/batch-transfer', c, {
          recipients: [
            { to: bob.email, amount: '600000000.00' },
            { to: carol.email, amount: '400000000.000001' },
          ],
        }),
      'recipients',
    ],
    [
      'a swap',
      'POST',
      (c) => post('/api/consumer/swap', c, { from: 'USDC', to: 'USDT', amount: JUST_ABOVE }),
      'amount',
    ],
    [
      'a swap quote',
      'GET',
      (c) =>
        t
          .http()
          .get('/api/consumer/swap/quote')
          .query({ from: 'USDC', to: 'USDT', amount: JUST_ABOVE })
          .set(auth(c)),
      'amount',
    ],
    [
      'a recurring transfer',
      'POST',
      (c) =>
        post('/api/recurring/create', c, {
          to: bob.email,
          amount: JUST_ABOVE,
          frequency: 'monthly',
          startAt: new Date(Date.now() + 86_400_000).toISOString(),
        }),
      'amount',
    ],
    [
      'a transfer validation',
      'POST',
      (c) =>
        t.http().post('/api/p2p-transfer/validate').set(auth(c)).send({ to: bob.email, amount: JUST_ABOVE }),
      'amount',
    ],
  ])(
    'refuses %s one minor unit above the maximum: 400 AMOUNT_TOO_LARGE naming it',
    async (_what, _method, send, field) => {
      const before = await movementCount();
      const response = await send(payer);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        success: false,
        error: { code: 'AMOUNT_TOO_LARGE', details: { field, maximum: MAX } },
      });
      expect(await movementCount()).toBe(before);
    },
  );

  /** Sends the same kind of request twice at once (two keys); both answers, once each is settled. */
  async function twiceAtOnce(
    send: (key: string) => ReturnType<typeof post>,
    follow?: (body: Record<string, unknown>) => Promise<unknown>,
  ): Promise<number[]> {
    const answers = await Promise.all([send(randomUUID()), send(randomUUID())]);
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(500);
      if (answer.status === 202 && follow) await follow(answer.body as Record<string, unknown>);
    }
    return answers.map((answer) => answer.status);
  }

  const completed = (path: string, key: string) => async (body: Record<string, unknown>) => {
    const id = (body[key] as { id: string }).id;
    await waitFor(`${path} ${id} to settle`, async () => {
      const got = await t.http().get(`${path}/${id}`).set(auth(payer)).expect(200);
      const status = (got.body[key] as { status: string }).status;
      return status === 'completed' || status === 'failed' ? true : undefined;
    });
  };

  it('moves the largest amount of every route twice at once: never a 500, the books, the providers and reconciliation agree', async () => {
    // Deposits of the maximum, two at a time: every one credited (net of the provider's fee).
    for (let pair = 0; pair < 6; pair += 1) {
      const statuses = await twiceAtOnce(
        (key) => post('/api/consumer/deposit', payer, { amount: MAX }, key),
        completed('/api/consumer/deposits', 'deposit'),
      );
      expect(statuses.every((status) => status === 201 || status === 202)).toBe(true);
    }
    const funded = await balanceOf(t, payer);
    expect(Money.parse(funded!.total, 'USDC').minor).toBeGreaterThanOrEqual(11_000_000_000_000000n);

    const withdrawals = await twiceAtOnce(
      (key) =>
        post('/api/consumer/withdraw', payer, { amount: MAX, destination: 'GB33BUKB20201555555555' }, key),
      completed('/api/consumer/withdrawals', 'withdrawal'),
    );
    const sends = await twiceAtOnce((key) =>
      post('/api/p2p-transfer/send', payer, { to: bob.email, amount: MAX }, key),
    );
    const externals = await twiceAtOnce((key) =>
      post('/api/p2p-transfer/send', payer, { to: EXTERNAL, amount: MAX }, key),
    );
    const batches = await twiceAtOnce((key) =>
      post(
        '/api/consumer/batch-transfer',
        payer,
        {
          recipients: [
            { to: bob.email, amount: '500000000.00' },
            { to: carol.email, amount: '500000000.00' },
          ],
        },
        key,
      ),
    );
    const swaps = await twiceAtOnce((key) =>
      post('/api/consumer/swap', payer, { from: 'USDC', to: 'USDT', amount: MAX }, key),
    );
    for (const statuses of [withdrawals, sends, externals, batches, swaps]) {
      expect(statuses.every((status) => status === 201 || status === 202)).toBe(true);
    }
    expect(await balanceOf(t, bob)).toMatchObject({ total: '3000000000.00' });
    expect(await balanceOf(t, carol)).toMatchObject({ total: '1000000000.00' });
    // Two swaps of the maximum: what they bought, less at most 0.10 % of fees.
    const bought = Money.parse((await balanceOf(t, payer, 'USDT'))!.total, 'USDT').minor;
    expect(bought).toBeGreaterThanOrEqual(1_998_000_000_000000n);
    expect(bought).toBeLessThanOrEqual(2_000_000_000_000000n);

    // Everything settled, nothing left under way.
    await waitFor('every movement to settle', async () => {
      const [{ n }] = (await t.app
        .get(DataSource)
        .query(
          `SELECT count(*)::int AS n FROM provider_movements WHERE status IN ('pending', 'processing')`,
        )) as Array<{
        n: number;
      }>;
      return n === 0 ? true : undefined;
    });
    await expectBooksBalanced(t, [payer, bob, carol]);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
  });
});
