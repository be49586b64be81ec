import { randomUUID } from 'node:crypto';
import { Money } from '#monay/kernel';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('batch transfers are all or nothing', () => {
  let t: TestApp;
  let payer: Customer;
  let payees: Customer[];

  beforeAll(async () => {
    t = await startTestApp({ TRANSFER_FEE_BATCH: '0.50' });
    payer = await onboard(t, 'payer');
    payees = [];
    for (let i = 0; i < 3; i += 1) payees.push(await onboard(t, `payee${i}`));
    await deposit(t, payer, '100.00');
    await deposit(t, payer, '20.00', 'EURC');
  });
  afterAll(() => t.close());

  const batch = (recipients: object[]) =>
    t
      .http()
      .post('/api/consumer/batch-transfer')
      .set(auth(payer))
      .set('Idempotency-Key', randomUUID())
      .send({ recipients });

  it('pays every recipient in one ledger transaction and charges the fee once', async () => {
    const response = await batch([
      { to: payees[0].email, amount: '10.00', currency: 'USDC' },
      { to: payees[1].address, amount: '20.00', currency: 'USDC' },
      { to: payees[2].userId, amount: '5.00', currency: 'EURC' },
    ]).expect(201);
    expect(response.body.batch).toMatchObject({
      status: 'completed',
      recipientCount: 3,
      fee: '0.50',
      feeCurrency: 'USDC',
      totals: [
        { currency: 'USDC', amount: '30.00' },
        { currency: 'EURC', amount: '5.00' },
      ],
    });
    const transfers = response.body.batch.transfers as Array<{ batchId: string; status: string }>;
    expect(new Set(transfers.map((x) => x.batchId))).toEqual(new Set([response.body.batch.id]));
    expect((await balanceOf(t, payer))?.total).toBe('69.50');
    expect((await balanceOf(t, payer, 'EURC'))?.total).toBe('15.00');
    expect((await balanceOf(t, payees[2], 'EURC'))?.total).toBe('5.00');
    await expectBooksBalanced(t, [payer, ...payees]);
  });

  it('refuses the whole batch, naming the index, when one recipient is unknown; nothing moves', async () => {
    const response = await batch([
      { to: payees[0].email, amount: '1.00' },
      { to: 'nobody@example.com', amount: '1.00' },
    ]).expect(422);
    expect(response.body.error).toMatchObject({
      code: 'BATCH_RECIPIENT_INVALID',
      details: { index: 1, reason: 'RECIPIENT_NOT_FOUND' },
    });
    expect((await balanceOf(t, payer))?.total).toBe('69.50');
    await expectBooksBalanced(t, [payer, ...payees]);
  });

  it('refuses the whole batch when the total exceeds the balance', async () => {
    const response = await batch([
      { to: payees[0].email, amount: '60.00' },
      { to: payees[1].email, amount: '10.00' },
    ]).expect(422);
    expect(response.body.error.code).toBe('INSUFFICIENT_FUNDS');
    expect((await balanceOf(t, payer))?.total).toBe('69.50');
    expect((await balanceOf(t, payees[0]))?.total).toBe('10.00');
    await expectBooksBalanced(t, [payer, ...payees]);
  });

  it('moves a 1,000-recipient batch in one go and counts its total against the limits', async () => {
    const before = await t.http().get('/api/wallet/limits').set(auth(payer)).expect(200);
    const recipients = Array.from({ length: 1000 }, (_, i) => ({ to: payees[i % 3].email, amount: '0.01' }));
    const response = await batch(recipients).expect(201);
    expect(response.body.batch).toMatchObject({
      recipientCount: 1000,
      totals: [{ currency: 'USDC', amount: '10.00' }],
    });
    expect(new Set(response.body.batch.transfers.map((x: { id: string }) => x.id)).size).toBe(1000);
    expect((await balanceOf(t, payer))?.total).toBe('59.00'); // 69.50 − 10.00 − 0.50 fee
    const after = await t.http().get('/api/wallet/limits').set(auth(payer)).expect(200);
    const used = (body: { daily: { used: string } }) => Money.parse(body.daily.used, 'USD').minor;
    expect(used(after.body) - used(before.body)).toBe(1050n); // 10.00 + 0.50 fee, in cents
    expect(after.body.velocity.usedThisHour - before.body.velocity.usedThisHour).toBe(1);
    await expectBooksBalanced(t, [payer, ...payees]);
  });

  it('validates the recipient list: 1 to 1,000 entries, each amount named by its index', async () => {
    await batch([]).expect(400);
    const bad = await batch([{ to: payees[0].email, amount: '1.0000001' }]).expect(400);
    expect(bad.body.error.details.fields[0].field).toBe('recipients.0.amount');
    const self = await batch([{ to: payer.email, amount: '1.00' }]).expect(422);
    expect(self.body.error.details).toMatchObject({ index: 0, reason: 'SELF_TRANSFER' });
  });
});
