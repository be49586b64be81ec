import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { ProviderRefusedError } from '#monay/providers';
import {
  adapterOf,
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  setMode,
  startProviderTestApp,
} from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import { expectMoneyConserved, minorOf, quoted, swapRequest } from './support/swaps';
import type { TestApp } from './support/test-app';

/** The shortest quote life the configuration allows. */
const QUOTE_TTL_MS = 1_000;

describe('provider swap quotes expire, are executed once, and belong to their user', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp({ SWAP_QUOTE_TTL_MS: String(QUOTE_TTL_MS) }));
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '200.00');
    await deposit(t, bob, '50.00');
  });
  afterAll(() => t.close());

  const movementsOfKey = async (key: string) =>
    (
      (await t.app
        .get(DataSource)
        .query(`SELECT id FROM provider_movements WHERE idempotency_key = $1`, [key])) as unknown[]
    ).length;

  it('an expired quote: 409 QUOTE_EXPIRED, nothing recorded, held or moved, and the key is free', async () => {
    const before = await balanceOf(t, alice, 'USDC');
    const quote = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '10.00' });
    const expiresIn = Date.parse(quote.expiresAt) - Date.now();
    expect(expiresIn).toBeLessThanOrEqual(QUOTE_TTL_MS);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresIn) + 50));

    const key = randomUUID();
    const expired = await swapRequest(t, alice, { quoteId: quote.quoteId }, key);
    expect(expired.status).toBe(409);
    expect(expired.body).toMatchObject({
      success: false,
      error: { code: 'QUOTE_EXPIRED', details: { quoteId: quote.quoteId }, requestId: expect.any(String) },
    });
    expect(await balanceOf(t, alice, 'USDC')).toEqual(before);
    expect(await balanceOf(t, alice, 'USDT')).toEqual({
      currency: 'USDT',
      available: '0.00',
      pending: '0.00',
      total: '0.00',
    });
    expect(await movementsOfKey(key)).toBe(0);

    // The key was not kept: with a fresh quote it goes through. On a loaded machine a one-second quote can run out
    // between quoting and executing: that answer is QUOTE_EXPIRED again (never a conflict over the key), and the key
    // is still free for another fresh quote.
    let fresh = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '10.00' });
    let done = await swapRequest(t, alice, { quoteId: fresh.quoteId }, key);
    for (let attempt = 1; attempt < 3 && done.status === 409; attempt += 1) {
      expect(done.body.error.code).toBe('QUOTE_EXPIRED');
      fresh = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '10.00' });
      done = await swapRequest(t, alice, { quoteId: fresh.quoteId }, key);
    }
    expect(done.status).toBe(201);
    expect(done.headers['idempotent-replayed']).toBeUndefined();
    expect((await balanceOf(t, alice, 'USDC'))?.total).toBe('190.00');
    expect((await balanceOf(t, alice, 'USDT'))?.total).toBe(fresh.amountOut);
    await expectBooksBalanced(t, [alice]);
  });

  it('a quote the provider finds expired as it executes it: 409 QUOTE_EXPIRED too, the hold voided, the key free', async () => {
    const before = await balanceOf(t, alice, 'USDC');
    const quote = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '10.00' });
    // Our check passed a moment before the provider's clock said the quote was over.
    jest
      .spyOn(adapterOf(t, 'tempo'), 'executeSwap')
      .mockImplementationOnce(() => Promise.reject(new ProviderRefusedError('tempo', 'quote expired')));
    const key = randomUUID();
    const expired = await swapRequest(t, alice, { quoteId: quote.quoteId }, key);
    expect(expired.status).toBe(409);
    expect(expired.body.error.code).toBe('QUOTE_EXPIRED');
    const [movement] = (await t.app
      .get(DataSource)
      .query(`SELECT id FROM provider_movements WHERE idempotency_key = $1`, [key])) as Array<{ id: string }>;
    const row = await movementRow(t, movement!.id);
    expect(row).toMatchObject({ status: 'failed', failure_code: 'PROVIDER_UNAVAILABLE' });
    expect((await holdOf(t, row.hold_id as string)).status).toBe('voided');
    expect(await balanceOf(t, alice, 'USDC')).toEqual(before);
    const fresh = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '10.00' });
    const retried = await swapRequest(t, alice, { quoteId: fresh.quoteId }, key);
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    await expectBooksBalanced(t, [alice]);
  });

  it('a used quote: 409 QUOTE_ALREADY_USED for another key, the same answer for the same key', async () => {
    const quote = await quoted(t, alice, { from: 'USDC', to: 'EURC', amount: '20.00' });
    const key = randomUUID();
    const first = await swapRequest(t, alice, { quoteId: quote.quoteId }, key).expect(201);
    const after = await balanceOf(t, alice, 'USDC');

    const again = await swapRequest(t, alice, { quoteId: quote.quoteId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('QUOTE_ALREADY_USED');
    // The same key replays its answer, even once the quote has expired.
    await new Promise((resolve) => setTimeout(resolve, QUOTE_TTL_MS + 50));
    const replay = await swapRequest(t, alice, { quoteId: quote.quoteId }, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await balanceOf(t, alice, 'USDC')).toEqual(after);
    await expectBooksBalanced(t, [alice]);
  });

  it("someone else's quote is not found (404) and nothing moves for either user", async () => {
    const quote = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '5.00' });
    const [aliceBefore, bobBefore] = [await balanceOf(t, alice), await balanceOf(t, bob)];
    const stolen = await swapRequest(t, bob, { quoteId: quote.quoteId });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.code).toBe('NOT_FOUND');
    expect(await balanceOf(t, alice)).toEqual(aliceBefore);
    expect(await balanceOf(t, bob)).toEqual(bobBefore);
    // Still Alice's to use.
    await swapRequest(t, alice, { quoteId: quote.quoteId }).expect(201);
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('one quote sent five times at once with five keys is executed once', async () => {
    const quote = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '7.00' });
    const usdcBefore = minorOf((await balanceOf(t, alice, 'USDC'))!.total, 'USDC');
    const usdtBefore = minorOf((await balanceOf(t, alice, 'USDT'))!.total, 'USDT');
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => swapRequest(t, alice, { quoteId: quote.quoteId })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect(
      responses.filter((r) => r.status === 409).every((r) => r.body.error.code === 'QUOTE_ALREADY_USED'),
    ).toBe(true);
    expect(minorOf((await balanceOf(t, alice, 'USDC'))!.total, 'USDC')).toBe(usdcBefore - 7_000_000n);
    expect(minorOf((await balanceOf(t, alice, 'USDT'))!.total, 'USDT')).toBe(
      usdtBefore + minorOf(quote.amountOut, 'USDT'),
    );
    await expectBooksBalanced(t, [alice]);
  });

  it('a swap the provider fails after accepting: 422, the hold voided, nothing moved; its quote stays used', async () => {
    const before = await balanceOf(t, alice, 'USDC');
    const quote = await quoted(t, alice, { from: 'USDC', to: 'USDT', amount: '12.00' });
    await setMode(t, admin, 'tempo', 'healthy', { failAfterAcceptRate: 1 });
    let failed;
    try {
      failed = await swapRequest(t, alice, { quoteId: quote.quoteId });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(failed.status).toBe(422);
    expect(failed.body).toMatchObject({
      success: false,
      error: { code: 'PROVIDER_FAILED' },
      swap: { status: 'failed', provider: 'tempo', amountIn: '12.00' },
    });
    const row = await movementRow(t, failed.body.swap.id);
    expect(row).toMatchObject({ status: 'failed', failure_code: 'PROVIDER_FAILED' });
    expect((await holdOf(t, row.hold_id as string)).status).toBe('voided');
    expect(await balanceOf(t, alice, 'USDC')).toEqual(before);
    // The provider took its quote: it cannot be executed again.
    const again = await swapRequest(t, alice, { quoteId: quote.quoteId });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('QUOTE_ALREADY_USED');

    await expectBooksBalanced(t, [alice, bob]);
    await expectClearingMirrorsProviders(t);
    await expectMoneyConserved(t, ['USDC', 'USDT', 'EURC']);
    await expectProvidersReconciled(t);
  });
});
