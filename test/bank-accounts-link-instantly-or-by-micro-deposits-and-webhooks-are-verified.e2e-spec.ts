import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signDwolla } from '#monay/banking';
import { AppConfig } from '#monay/shared';
import type { Admin } from './support/admin';
import {
  advanceDays,
  bankAdmin,
  bankCustomer,
  bankTransfer,
  cents,
  expectBankRailsReconciled,
  linkInstant,
  microDeposits,
  transferStatus,
  verifiedAccount,
} from './support/bank';
import { auth, balanceOf, deposit, expectBooksBalanced, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('bank accounts: instant link with an ownership check, micro-deposits, removal; signed bank webhooks', () => {
  let t: TestApp;
  let admin: Admin;
  const customers: Customer[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    admin = await bankAdmin(t);
  });
  afterAll(() => t.close());

  afterEach(async () => {
    await expectBooksBalanced(t, customers);
    await expectBankRailsReconciled(t, admin);
  });

  const accounts = async (customer: Customer) =>
    (await t.http().get('/api/bank-accounts').set(auth(customer)).expect(200)).body.bankAccounts as Array<{
      id: string;
      status: string;
      mask: string;
    }>;

  it('refuses an instant link whose account holder does not match the user, and holds a partial match for review', async () => {
    const ann = await bankCustomer(t, 'link-owner');
    customers.push(ann);
    const mismatch = await linkInstant(t, ann, 'user_mismatch');
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe('BANK_ACCOUNT_OWNERSHIP_MISMATCH');
    expect(mismatch.body.error.details.scores).toMatchObject({ legalName: null });
    expect(mismatch.body.error.details.scores.emailAddress).toBeLessThan(70);
    expect(await accounts(ann)).toEqual([]);

    const partial = await linkInstant(t, ann, 'user_partial', 'ins_2');
    expect(partial.status).toBe(201);
    expect(partial.body.bankAccount).toMatchObject({ status: 'needs_review', source: 'instant' });
    expect(partial.body.bankAccount.ownership).toMatchObject({ emailAddress: 100, decision: 'needs_review' });
    const refused = await bankTransfer(t, ann, 'add-money/ach', {
      bankAccountId: partial.body.bankAccount.id,
      amount: '10.00',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('BANK_ACCOUNT_NOT_VERIFIED');

    const good = await linkInstant(t, ann, 'user_good');
    expect(good.status).toBe(201);
    expect(good.body.bankAccount).toMatchObject({ status: 'verified', type: 'checking' });
    expect(good.body.bankAccount.mask).toMatch(/^[0-9]{4}$/);
    const twice = await linkInstant(t, ann, 'user_good');
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('BANK_ACCOUNT_ALREADY_LINKED');
    const wrong = await t
      .http()
      .post('/api/bank-accounts/link/instant')
      .set(auth(ann))
      .send({ institutionId: 'ins_1', username: 'user_good', password: 'nope' });
    expect(wrong.status).toBe(422);
  });

  it('adds an account by its numbers: ABA checked, number sealed, micro-deposits on the banking clock, 3 attempts', async () => {
    const ben = await bankCustomer(t, 'manual');
    customers.push(ben);
    const bad = await t
      .http()
      .post('/api/bank-accounts')
      .set(auth(ben))
      .send({
        routingNumber: '011401534',
        accountNumber: '123456789',
        type: 'checking',
        holderName: 'Ben Franklin',
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_ROUTING_NUMBER');

    const add = (accountNumber: string) =>
      t
        .http()
        .post('/api/bank-accounts')
        .set(auth(ben))
        .send({ routingNumber: '011401533', accountNumber, type: 'checking', holderName: 'Ben Franklin' })
        .expect(201);
    const first = (await add('987654321')).body.bankAccount;
    expect(first).toMatchObject({
      status: 'pending_verification',
      mask: '4321',
      microDeposits: { attemptsLeft: 3 },
    });
    expect(JSON.stringify(first)).not.toContain('987654321');
    const [stored] = (await t.app
      .get(DataSource)
      .query(`SELECT account_number_sealed FROM bank_accounts WHERE id = $1`, [first.id])) as Array<{
      account_number_sealed: string;
    }>;
    expect(stored.account_number_sealed).not.toContain('987654321');

    const verify = (id: string, amount1: string, amount2: string) =>
      t.http().post(`/api/bank-accounts/${id}/verify`).set(auth(ben)).send({ amount1, amount2 });
    const early = await verify(first.id, '0.01', '0.02');
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('MICRO_DEPOSITS_NOT_ARRIVED');

    await advanceDays(t, admin, 4);
    const [a, b] = await microDeposits(t, first.id);
    // The two deposits differ, so twice the same amount is never them.
    const wrong = cents([1, 2, 3].find((x) => x !== a && x !== b) as number);
    const attempt1 = await verify(first.id, wrong, wrong);
    expect([attempt1.status, attempt1.body.error?.code]).toEqual([422, 'MICRO_DEPOSIT_AMOUNTS_WRONG']);
    expect(attempt1.body.error.details).toEqual({ attemptsLeft: 2 });
    const attempt2 = await verify(first.id, '0.50', '0.50');
    expect(attempt2.status).toBe(422);
    expect(attempt2.body.error.details).toEqual({ attemptsLeft: 1 });
    const attempt3 = await verify(first.id, '0.50', '0.50');
    expect(attempt3.status).toBe(200);
    expect(attempt3.body.bankAccount.status).toBe('verification_failed');
    const after = await verify(first.id, cents(a), cents(b));
    expect(after.status).toBe(409);

    const second = (await add('555566667777')).body.bankAccount;
    await advanceDays(t, admin, 4);
    const [c, d] = await microDeposits(t, second.id);
    const ok = await verify(second.id, cents(d), cents(c)).expect(200);
    expect(ok.body.bankAccount.status).toBe('verified');

    // Usable now; removal is refused while a transfer through it is pending, then works.
    const pending = await bankTransfer(t, ben, 'add-money/ach', {
      bankAccountId: second.id,
      amount: '10.00',
    });
    expect(pending.status).toBe(202);
    const busy = await t.http().delete(`/api/bank-accounts/${second.id}`).set(auth(ben));
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('BANK_ACCOUNT_HAS_PENDING_TRANSFERS');
    await advanceDays(t, admin, 4);
    expect((await transferStatus(t, ben, pending.body.transfer.id)).status).toBe('processed');
    await t.http().delete(`/api/bank-accounts/${second.id}`).set(auth(ben)).expect(200);
    expect((await accounts(ben)).map((account) => account.id)).toEqual([first.id]);
    const otherUser = await bankCustomer(t, 'manual-other');
    await t.http().delete(`/api/bank-accounts/${first.id}`).set(auth(otherUser)).expect(404);
  });

  it('bank webhooks: a bad signature is 401; an authentic one is applied by the fetched status, once', async () => {
    const cat = await bankCustomer(t, 'webhooks');
    customers.push(cat);
    await deposit(t, cat, '20.00');
    const account = await verifiedAccount(t, cat);
    const sent = await bankTransfer(t, cat, 'withdrawal/ach', { bankAccountId: account, amount: '5.00' });
    const id = sent.body.transfer.id as string;
    const [{ vendor_transfer_id: vendorId }] = (await t.app
      .get(DataSource)
      .query(`SELECT vendor_transfer_id FROM bank_transfers WHERE id = $1`, [id])) as Array<{
      vendor_transfer_id: string;
    }>;
    const secret = t.app.get(AppConfig).bank.webhookSecrets[0];
    const post = (body: string, signature: string) =>
      t
        .http()
        .post('/api/webhooks/bank/dwolla')
        .set('Content-Type', 'application/json')
        .set('X-Request-Signature-SHA-256', signature)
        .send(body);
    const forged = JSON.stringify({
      id: randomUUID(),
      topic: 'customer_bank_transfer_completed',
      resourceId: vendorId,
    });

    const unsigned = await post(forged, 'f'.repeat(64));
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('BANK_WEBHOOK_SIGNATURE_INVALID');
    expect((await post(forged, signDwolla('not-the-secret', forged))).status).toBe(401);

    // Authentic but early: the payload says completed, the vendor says pending — it stays pending.
    const early = await post(forged, signDwolla(secret, forged)).expect(200);
    expect(early.body).toEqual({ received: true, status: 'pending' });
    expect((await transferStatus(t, cat, id)).status).toBe('pending');
    expect(await balanceOf(t, cat)).toMatchObject({ available: '14.75', pending: '5.25' });

    // The vendor processes it (its clock; our own check is not due yet, so only the webhook tells us).
    await t.app
      .get(DataSource)
      .query(`UPDATE bank_transfers SET next_check_at = '2999-01-01' WHERE id = $1`, [id]);
    await advanceDays(t, admin, 4);
    expect((await transferStatus(t, cat, id)).status).toBe('pending');
    const completed = JSON.stringify({
      id: randomUUID(),
      topic: 'customer_bank_transfer_completed',
      resourceId: vendorId,
    });
    const applied = await post(completed, signDwolla(secret, completed)).expect(200);
    expect(applied.body).toEqual({ received: true, status: 'processed' });
    const duplicate = await post(completed, signDwolla(secret, completed)).expect(200);
    expect(duplicate.body).toEqual({ received: true, duplicate: true });
    expect(await balanceOf(t, cat)).toMatchObject({ available: '14.75', pending: '0.00', total: '14.75' });
  });
});
