import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import type { Admin } from './support/admin';
import { atLocal } from '../libs/banking/src/domain/banking-calendar';
import { advanceDays, advanceTo, bankAdmin, bankCustomer, expectBankRailsReconciled } from './support/bank';
import { auth, balanceOf, deposit, expectBooksBalanced, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('bill pay: payees by the biller’s format, payments held then sent on the banking calendar', () => {
  let t: TestApp;
  let admin: Admin;
  let ann: Customer;

  beforeAll(async () => {
    t = await startTestApp({ LIMIT_TIERS: JSON.stringify({ '2': { maxPerHour: 1_000 } }) });
    admin = await bankAdmin(t);
    ann = await bankCustomer(t, 'bills');
    await deposit(t, ann, '500.00');
  });
  afterAll(() => t.close());

  afterEach(async () => {
    await expectBooksBalanced(t, [ann]);
    await expectBankRailsReconciled(t, admin);
  });

  const addPayee = (billerId: string, accountNumber: string, nickname = 'bill') =>
    t.http().post('/api/bill-pay/add').set(auth(ann)).send({ billerId, accountNumber, nickname });
  const pay = (payeeId: string, amount: string, extra: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/api/bill-pay/pay')
      .set(auth(ann))
      .set('Idempotency-Key', randomUUID())
      .send({ payeeId, amount, currency: 'USDC', ...extra });
  const payment = async (id: string) => {
    const response = await t.http().get('/api/bill-pay/history?limit=100').set(auth(ann)).expect(200);
    return (response.body.payments as Array<{ id: string; status: string; failureCode: string | null }>).find(
      (p) => p.id === id,
    );
  };

  it('checks account numbers against the biller’s format', async () => {
    const directory = await t.http().get('/api/bill-pay/billers').set(auth(ann)).expect(200);
    expect(directory.body.billers.map((b: { category: string }) => b.category).sort()).toEqual([
      'credit_card',
      'insurance',
      'telecom',
      'utilities',
      'utilities',
    ]);
    const bad = await addPayee('blr_power', '12345');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({
      code: 'BILLER_ACCOUNT_NUMBER_INVALID',
      details: { format: '10 digits' },
    });
    expect((await addPayee('blr_nope', '1234567890')).status).toBe(404);
    const ok = await addPayee('blr_power', '1234567890', 'Electricity');
    expect(ok.status).toBe(201);
    expect(ok.body.payee).toMatchObject({
      account: '••7890',
      paymentMethod: 'electronic',
      lastPayment: null,
    });
    expect((await addPayee('blr_power', '1234567890')).status).toBe(409);
  });

  it('pays: held at once, processing at the run, sent (debited), posted on delivery; a paper check arrives later', async () => {
    const list = await t.http().get('/api/bill-pay/list').set(auth(ann)).expect(200);
    const power = list.body.payees.find((p: { billerId: string }) => p.billerId === 'blr_power').id as string;
    const water = (await addPayee('blr_water', 'W12345678', 'Water').expect(201)).body.payee.id as string;

    const electronic = await pay(power, '80.00');
    const paper = await pay(water, '40.00');
    expect(electronic.status).toBe(202);
    expect(electronic.body.payment).toMatchObject({
      status: 'pending',
      method: 'electronic',
      amount: '80.00',
    });
    expect(paper.body.payment.method).toBe('paper');
    expect(paper.body.payment.estimatedDelivery > electronic.body.payment.estimatedDelivery).toBe(true);
    expect(await balanceOf(t, ann)).toMatchObject({
      available: '380.00',
      pending: '120.00',
      total: '500.00',
    });

    const tooEarly = await pay(power, '1.00', { deliverBy: '2000-01-01' });
    expect(tooEarly.status).toBe(422);
    expect(tooEarly.body.error.code).toBe('DELIVER_BY_TOO_EARLY');

    // At noon on the electronic payment's delivery day both were sent (the run's next business day, 09:00): the
    // holds are posted; the paper check is still on its way.
    const [year, month, day] = (electronic.body.payment.estimatedDelivery as string).split('-').map(Number);
    await advanceTo(t, admin, atLocal({ year, month, day }, { hour: 12, minute: 0 }));
    expect((await payment(electronic.body.payment.id))?.status).toBe('sent');
    expect((await payment(paper.body.payment.id))?.status).toBe('sent');
    expect(await balanceOf(t, ann)).toMatchObject({ available: '380.00', pending: '0.00', total: '380.00' });
    await advanceDays(t, admin, 10);
    expect((await payment(electronic.body.payment.id))?.status).toBe('posted');
    expect((await payment(paper.body.payment.id))?.status).toBe('posted');
    expect(await balanceOf(t, ann)).toMatchObject({ available: '380.00', pending: '0.00', total: '380.00' });

    const after = await t.http().get('/api/bill-pay/list').set(auth(ann)).expect(200);
    expect(after.body.payees.find((p: { id: string }) => p.id === power).lastPayment).toMatchObject({
      amount: '80.00',
      status: 'posted',
    });
    await t.app.get(OutboxRelay).drain();
    const history = await t
      .http()
      .get('/api/transactions?type=withdrawal&limit=50')
      .set(auth(ann))
      .expect(200);
    expect(
      history.body.transactions.find((line: { id: string }) => line.id === electronic.body.payment.id),
    ).toMatchObject({ status: 'completed', amount: '80.00' });
  });

  it('cancels a payment before it is sent (nothing moves), not after', async () => {
    const list = await t.http().get('/api/bill-pay/list').set(auth(ann)).expect(200);
    const power = list.body.payees.find((p: { billerId: string }) => p.billerId === 'blr_power').id as string;
    const before = await balanceOf(t, ann);
    const pending = await pay(power, '25.00');
    const cancelled = await t
      .http()
      .post(`/api/bill-pay/payments/${pending.body.payment.id}/cancel`)
      .set(auth(ann))
      .expect(200);
    expect(cancelled.body.payment).toMatchObject({ status: 'cancelled', failureCode: 'CANCELLED' });
    expect(await balanceOf(t, ann)).toEqual(before);

    const sent = await pay(power, '5.00');
    await advanceDays(t, admin, 5);
    const late = await t.http().post(`/api/bill-pay/payments/${sent.body.payment.id}/cancel`).set(auth(ann));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('BILL_PAYMENT_NOT_CANCELLABLE');
    const foreign = await bankCustomer(t, 'bills-other');
    await t
      .http()
      .post(`/api/bill-pay/payments/${sent.body.payment.id}/cancel`)
      .set(auth(foreign))
      .expect(404);
  });

  it('a biller’s refusal releases the hold; a reversal after posting gives the money back with a new transaction', async () => {
    const refusing = (await addPayee('blr_power', '1234560000').expect(201)).body.payee.id as string;
    const reversing = (await addPayee('blr_power', '1234569999').expect(201)).body.payee.id as string;
    const before = await balanceOf(t, ann);
    const refused = await pay(refusing, '10.00');
    const reversed = await pay(reversing, '20.00');
    await advanceDays(t, admin, 12);
    expect(await payment(refused.body.payment.id)).toMatchObject({
      status: 'failed',
      failureCode: 'PAYMENT_INVALID_ACCOUNT',
    });
    expect(await payment(reversed.body.payment.id)).toMatchObject({
      status: 'reversed',
      failureCode: 'REVERSED_BY_BILLER',
    });
    expect(await balanceOf(t, ann)).toEqual(before);
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?limit=100').set(auth(ann)).expect(200);
    const lines = history.body.transactions.filter(
      (line: { id: string }) => line.id === reversed.body.payment.id,
    );
    expect(lines.map((line: { type: string; status: string }) => [line.type, line.status]).sort()).toEqual([
      ['deposit', 'completed'],
      ['withdrawal', 'completed'],
    ]);
  });

  it('lists the history newest first, a page at a time', async () => {
    const first = await t.http().get('/api/bill-pay/history?limit=2').set(auth(ann)).expect(200);
    expect(first.body.payments).toHaveLength(2);
    const second = await t
      .http()
      .get(`/api/bill-pay/history?limit=2&cursor=${first.body.nextCursor}`)
      .set(auth(ann))
      .expect(200);
    expect(second.body.payments).toHaveLength(2);
    const ids = [...first.body.payments, ...second.body.payments].map((p: { id: string }) => p.id);
    expect(new Set(ids).size).toBe(4);
    await t.http().get('/api/bill-pay/history?cursor=not-a-cursor').set(auth(ann)).expect(400);
  });
});
