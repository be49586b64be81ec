import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '#monay/shared';
import type { Admin } from './support/admin';
import {
  advanceDays,
  advanceTo,
  bankAdmin,
  bankCustomer,
  bankTransfer,
  expectBankRailsReconciled,
  nextOrdinaryWeekend,
  serverNow,
  transferStatus,
  verifiedAccount,
} from './support/bank';
import { auth, balanceOf, deposit, expectBooksBalanced, type Customer } from './support/money';
import { expectProvidersReconciled } from './support/reconciliation';
import { startTestApp, type TestApp } from './support/test-app';

describe('bank rails: ACH settles on the banking clock; returns reverse exactly; nothing moves twice', () => {
  let t: TestApp;
  let admin: Admin;
  const customers: Customer[] = [];

  beforeAll(async () => {
    t = await startTestApp({ LIMIT_TIERS: JSON.stringify({ '2': { maxPerHour: 1_000 } }) });
    admin = await bankAdmin(t);
  });
  afterAll(() => t.close());

  /** Closes every scenario: the ledger, the read models, the providers and the bank rails all agree. */
  afterEach(async () => {
    await expectBooksBalanced(t, customers);
    await expectBankRailsReconciled(t, admin);
    await expectProvidersReconciled(t);
  });

  const history = async (customer: Customer) => {
    await t.app.get(OutboxRelay).drain();
    const response = await t.http().get('/api/transactions?limit=50').set(auth(customer)).expect(200);
    return response.body.transactions as Array<{
      id: string;
      type: string;
      status: string;
      amount: string;
      fee: string;
      failureCode: string | null;
    }>;
  };

  it('adds money by standard ACH on a Friday evening: pending over the weekend, credited on Tuesday at 09:00 ET', async () => {
    const ada = await bankCustomer(t, 'ach-friday');
    customers.push(ada);
    const account = await verifiedAccount(t, ada);
    const week = nextOrdinaryWeekend(await serverNow(t, admin));
    await advanceTo(t, admin, week.friday(19));

    const sent = await bankTransfer(t, ada, 'add-money/ach', { bankAccountId: account, amount: '100.00' });
    expect(sent.status).toBe(202);
    const id = sent.body.transfer.id as string;
    expect(sent.body.transfer).toMatchObject({
      status: 'pending',
      amount: '100.00',
      fee: '0.25',
      expectedSettlementAt: week.tuesday(9).toISOString(),
      // Friday evening is past the cut-off: it enters Monday's file, cancellable until Monday 16:00.
      cancelBefore: week.monday(16).toISOString(),
    });

    await advanceTo(t, admin, week.monday(12));
    expect((await transferStatus(t, ada, id)).status).toBe('pending');
    expect((await balanceOf(t, ada))?.total ?? '0.00').toBe('0.00');

    await advanceTo(t, admin, week.tuesday(9));
    const settled = await transferStatus(t, ada, id);
    expect(settled).toMatchObject({ status: 'processed', settledAt: week.tuesday(9).toISOString() });
    expect(await balanceOf(t, ada)).toMatchObject({ available: '99.75', total: '99.75' });
    const lines = await history(ada);
    expect(lines.find((line) => line.id === id && line.type === 'deposit')).toMatchObject({
      type: 'deposit',
      status: 'completed',
      amount: '99.75',
      fee: '0.25',
    });
  });

  it('a withdrawal returned R01 after settlement is reversed exactly with a new ledger transaction, seen in history', async () => {
    const bea = await bankCustomer(t, 'ach-r01');
    customers.push(bea);
    await deposit(t, bea, '100.00');
    const account = await verifiedAccount(t, bea, 'R01-late');

    const sent = await bankTransfer(t, bea, 'withdrawal/ach', { bankAccountId: account, amount: '40.00' });
    expect(sent.status).toBe(202);
    const id = sent.body.transfer.id as string;
    // Held at once: amount + the 0.25 fee.
    expect(await balanceOf(t, bea)).toMatchObject({ available: '59.75', pending: '40.25', total: '100.00' });

    await advanceDays(t, admin, 4);
    const processed = await transferStatus(t, bea, id);
    expect(['processed', 'returned']).toContain(processed.status);
    await advanceDays(t, admin, 4);
    const returned = await transferStatus(t, bea, id);
    expect(returned).toMatchObject({
      status: 'returned',
      returnCode: 'R01',
      returnReason: 'Insufficient funds',
    });
    expect(await balanceOf(t, bea)).toMatchObject({ available: '100.00', pending: '0.00', total: '100.00' });

    const rows = (await t.app
      .get(DataSource)
      .query(
        `SELECT kind FROM ledger_transactions WHERE reference = $1 AND status = 'posted' ORDER BY created_at`,
        [id],
      )) as Array<{ kind: string }>;
    expect(rows.map((row) => row.kind)).toEqual(expect.arrayContaining(['bank_ach_withdrawal', 'reversal']));
    const lines = await history(bea);
    expect(lines.find((line) => line.id === id && line.type === 'withdrawal')).toMatchObject({
      type: 'withdrawal',
      status: 'completed',
      amount: '40.00',
      fee: '0.25',
    });
    expect(lines.find((line) => line.id === id && line.type === 'deposit')).toMatchObject({
      type: 'deposit',
      status: 'completed',
      amount: '40.25',
      failureCode: 'R01',
    });
  });

  it('R03 fails the transfer before settlement and unverifies the account; nothing moves', async () => {
    const cy = await bankCustomer(t, 'ach-r03');
    customers.push(cy);
    const account = await verifiedAccount(t, cy, 'R03');
    const sent = await bankTransfer(t, cy, 'add-money/ach', { bankAccountId: account, amount: '25.00' });
    expect(sent.status).toBe(202);
    await advanceDays(t, admin, 5);
    expect(await transferStatus(t, cy, sent.body.transfer.id)).toMatchObject({
      status: 'failed',
      returnCode: 'R03',
      returnReason: 'No account / unable to locate account',
    });
    const listed = await t.http().get('/api/bank-accounts').set(auth(cy)).expect(200);
    expect(listed.body.bankAccounts[0]).toMatchObject({ id: account, status: 'unverified' });
    expect((await balanceOf(t, cy))?.total ?? '0.00').toBe('0.00');
    const again = await bankTransfer(t, cy, 'add-money/ach', { bankAccountId: account, amount: '25.00' });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('BANK_ACCOUNT_NOT_VERIFIED');
  });

  it('a cancelled ACH moves nothing; after the cut-off it can no longer be cancelled', async () => {
    const dee = await bankCustomer(t, 'ach-cancel');
    customers.push(dee);
    await deposit(t, dee, '50.00');
    const account = await verifiedAccount(t, dee);

    const out = await bankTransfer(t, dee, 'withdrawal/ach', { bankAccountId: account, amount: '20.00' });
    expect(await balanceOf(t, dee)).toMatchObject({ available: '29.75' });
    const cancelled = await t
      .http()
      .post(`/api/withdrawal/ach/${out.body.transfer.id}/cancel`)
      .set(auth(dee))
      .expect(200);
    expect(cancelled.body.transfer.status).toBe('cancelled');
    expect(await balanceOf(t, dee)).toMatchObject({ available: '50.00', pending: '0.00', total: '50.00' });

    const inbound = await bankTransfer(t, dee, 'add-money/ach', { bankAccountId: account, amount: '10.00' });
    await advanceTo(
      t,
      admin,
      new Date(new Date(inbound.body.transfer.cancelBefore as string).getTime() + 60_000),
    );
    const late = await t.http().post(`/api/add-money/ach/${inbound.body.transfer.id}/cancel`).set(auth(dee));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('BANK_TRANSFER_NOT_CANCELLABLE');
    await advanceDays(t, admin, 4);
    expect((await transferStatus(t, dee, inbound.body.transfer.id)).status).toBe('processed');
    expect(await balanceOf(t, dee)).toMatchObject({ total: '59.75' });
    const lines = await history(dee);
    expect(lines.find((line) => line.id === out.body.transfer.id)).toMatchObject({
      status: 'failed',
      failureCode: 'CANCELLED',
    });
  });

  it('R10 after settlement takes the money back and freezes the user’s bank rails for review', async () => {
    const eve = await bankCustomer(t, 'ach-r10');
    customers.push(eve);
    const account = await verifiedAccount(t, eve, 'R10-late');
    const sent = await bankTransfer(t, eve, 'add-money/ach', { bankAccountId: account, amount: '30.00' });
    await advanceDays(t, admin, 4);
    await advanceDays(t, admin, 4);
    expect(await transferStatus(t, eve, sent.body.transfer.id)).toMatchObject({
      status: 'returned',
      returnCode: 'R10',
    });
    expect((await balanceOf(t, eve))?.total).toBe('0.00');
    const refused = await bankTransfer(t, eve, 'add-money/ach', { bankAccountId: account, amount: '30.00' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('BANK_RAILS_FROZEN');
  });

  it('replays an idempotent request and refuses the same key with another body', async () => {
    const fay = await bankCustomer(t, 'ach-idem');
    customers.push(fay);
    const account = await verifiedAccount(t, fay);
    const body = { bankAccountId: account, amount: '12.00', speed: 'same_day' };
    const first = await bankTransfer(t, fay, 'add-money/ach', body, 'key-1');
    const again = await bankTransfer(t, fay, 'add-money/ach', body, 'key-1');
    expect(again.status).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.transfer.id).toBe(first.body.transfer.id);
    const other = await bankTransfer(t, fay, 'add-money/ach', { ...body, amount: '13.00' }, 'key-1');
    expect(other.status).toBe(422);
    await advanceDays(t, admin, 4);
    // Same-day ACH: a 1.50 fee withheld.
    expect(await balanceOf(t, fay)).toMatchObject({ total: '10.50' });
  });

  itRacesOnPostgres('concurrent withdrawals never overdraw the wallet', async () => {
    const gus = await bankCustomer(t, 'ach-race');
    customers.push(gus);
    await deposit(t, gus, '100.00');
    const account = await verifiedAccount(t, gus);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        bankTransfer(t, gus, 'withdrawal/ach', { bankAccountId: account, amount: '30.00' }),
      ),
    );
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 422);
    // 3 × (30.00 + 0.25) = 90.75 fits in 100.00; a fourth would not.
    expect(accepted).toHaveLength(3);
    expect(refused.map((answer) => answer.body.error.code)).toEqual(Array(3).fill('INSUFFICIENT_FUNDS'));
    expect(await balanceOf(t, gus)).toMatchObject({ available: '9.25', pending: '90.75' });
    await advanceDays(t, admin, 4);
    expect(await balanceOf(t, gus)).toMatchObject({ available: '9.25', pending: '0.00', total: '9.25' });
  });

  it('refuses bank rails below the Verified tier and wires below Premium', async () => {
    const hal = await bankCustomer(t, 'ach-tier');
    customers.push(hal);
    const account = await verifiedAccount(t, hal);
    const wire = await bankTransfer(t, hal, 'withdrawal/wire', { bankAccountId: account, amount: '10.00' });
    expect(wire.status).toBe(403);
    expect(wire.body.error).toMatchObject({ code: 'KYC_TIER_REQUIRED' });
    const basic = await bankCustomer(t, 'ach-basic', 1);
    const link = await t
      .http()
      .post('/api/bank-accounts/link/instant')
      .set(auth(basic))
      .send({ institutionId: 'ins_1', username: 'user_good', password: 'pass_good' });
    expect(link.status).toBe(403);
    const ach = await bankTransfer(t, basic, 'add-money/ach', { bankAccountId: account, amount: '10.00' });
    expect(ach.status).toBe(403);
  });

  it('wires for Premium users: held at once, sent within the banking day or the next, with the 15.00 fee', async () => {
    const ivy = await bankCustomer(t, 'wire', 3);
    customers.push(ivy);
    await deposit(t, ivy, '1000.00');
    const account = await verifiedAccount(t, ivy);
    const sent = await bankTransfer(t, ivy, 'withdrawal/wire', { bankAccountId: account, amount: '500.00' });
    expect(sent.status).toBe(202);
    expect(sent.body.transfer).toMatchObject({ rail: 'wire', fee: '15.00', cancelBefore: null });
    expect(await balanceOf(t, ivy)).toMatchObject({ available: '485.00', pending: '515.00' });
    await advanceDays(t, admin, 4);
    expect((await transferStatus(t, ivy, sent.body.transfer.id)).status).toBe('processed');
    expect(await balanceOf(t, ivy)).toMatchObject({ available: '485.00', pending: '0.00', total: '485.00' });

    // Above STEP_UP_AMOUNT_USD (1000.00 with the fee) a withdrawal asks for a step-up first; nothing is held.
    await deposit(t, ivy, '1000.00');
    const large = await bankTransfer(t, ivy, 'withdrawal/ach', { bankAccountId: account, amount: '1200.00' });
    expect(large.status).toBe(403);
    expect(large.body.error.code).toBe('STEP_UP_REQUIRED');
    expect(await balanceOf(t, ivy)).toMatchObject({ available: '1485.00', pending: '0.00' });
  });
});
