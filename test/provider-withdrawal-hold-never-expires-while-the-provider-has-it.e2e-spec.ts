import { DataSource } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  setMode,
  startProviderTestApp,
  withdrawRequest,
} from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const DAY_MS = 86_400_000;

/**
 * A withdrawal's hold reserves its funds while a provider has the movement. The hold-expiry job voids pending
 * holds past their expiry whatever they belong to: had the movement's hold an expiry, a provider completing later
 * than that would find it gone (the funds spendable again in between, then debited directly, or a receivable).
 */
describe('provider withdrawal: its hold never expires while a provider has the movement', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp());
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t.close());

  /** The hold-expiry job's work as it runs `days` from now (the job voids every pending hold due by then). */
  const expireHoldsAsOf = (days: number) =>
    t.app
      .get(DataSource)
      .transaction((tx) =>
        t.app.get(LedgerService).expireHolds(tx, new Date(Date.now() + days * DAY_MS), 500),
      );

  it('a provider completing days later posts it once, from its hold; the available balance is right throughout', async () => {
    // Tempo takes the call and will not answer for it for now (its write is 10 minutes late).
    await setMode(t, admin, 'tempo', 'timeout', { late: true, lateByMs: 600_000 });
    let response;
    try {
      response = await withdrawRequest(t, alice, { amount: '20.00' });
    } catch (error) {
      await setMode(t, admin, 'tempo', 'healthy');
      throw error;
    }
    expect(response.status).toBe(202);
    const id = response.body.withdrawal.id as string;
    expect(response.body.withdrawal).toMatchObject({
      status: 'processing',
      provider: 'tempo',
      held: '21.00',
    });
    const held = { currency: 'USDC', available: '79.00', pending: '21.00', total: '100.00' };
    expect(await balanceOf(t, alice)).toEqual(held);
    const holdId = (await movementRow(t, id)).hold_id as string;
    expect(await holdOf(t, holdId)).toMatchObject({ status: 'pending' });

    // The expiry job runs a day, a week, a month later: the hold of a movement a provider has is not its to void.
    for (const days of [1, 7, 30]) {
      expect(await expireHoldsAsOf(days)).toBe(0);
      expect(await holdOf(t, holdId)).toMatchObject({ status: 'pending' });
      expect(await balanceOf(t, alice)).toEqual(held);
    }
    expect(await movementRow(t, id)).toMatchObject({ status: 'processing', provider: 'tempo' });

    // Tempo answers at last (the poller re-submits the same request, same key): posted from the hold, once.
    await setMode(t, admin, 'tempo', 'healthy');
    const withdrawal = await waitFor('Tempo to complete the withdrawal', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? got.body.withdrawal : undefined;
    });
    expect(withdrawal).toMatchObject({ provider: 'tempo', fee: '0.02', debited: '20.02' });
    expect(await holdOf(t, holdId)).toMatchObject({ status: 'posted', postedAmount: 20_020_000n });
    // One debit of the wallet for it: the posted hold, no direct debit beside it.
    const debits = (await t.app.get(DataSource).query(
      `SELECT t.id::text AS id, e.amount::text AS amount
         FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id
         JOIN ledger_accounts a ON a.id = e.account_id
        WHERE t.reference = $1 AND a.kind = 'user_wallet'`,
      [id],
    )) as Array<{ id: string; amount: string }>;
    expect(debits).toEqual([{ id: holdId, amount: '-20020000' }]);
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '79.98',
      pending: '0.00',
      total: '79.98',
    });
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
  });
});
