import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { adminHeader, registerAdmin, type Admin } from './support/admin';
import { advanceDays, bankCustomer, bankTransfer, transferStatus, verifiedAccount } from './support/bank';
import { cardholder, listen, network, purchase } from './support/cards';
import { auth, expectBooksBalanced, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * A reversed source takes back what it earned. A card refund after the points became available debits its share of
 * them; a bank deposit returned after its bonus was spent leaves the member owing points, at most
 * REWARDS_MAX_DEBT_POINTS (the rest is written off), repaid from the next points that vest. The points books stay
 * reconciled throughout.
 */
const RULES = [
  {
    id: 'first-deposit-bonus',
    on: 'deposit',
    description: 'First deposit of 10 USD or more',
    points: { fixed: 500 },
    minUsd: '10.00',
    only: 'first',
    lockHours: 0,
  },
  {
    id: 'p2p-sent',
    on: 'p2p_sent',
    description: '1 point per dollar sent',
    points: { perUsd: 1 },
    lockHours: 0,
  },
  {
    id: 'card-spend',
    on: 'card_spend',
    description: '3 points per dollar of card spend',
    points: { perUsd: 3 },
    lockHours: 168,
  },
];

describe('rewards: reversed sources claw back their points', () => {
  let t: TestApp;
  let admin: Admin;
  const customers: Customer[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      REWARDS_RULES: JSON.stringify(RULES),
      REWARDS_MAX_DEBT_POINTS: '100',
      CARD_AUTHORIZATION_TIMEOUT_MS: '10000',
      LIMIT_TIERS: JSON.stringify({ '2': { maxPerHour: 1_000 } }),
    });
    await listen(t);
    admin = await registerAdmin(t, 'rewards-admin');
  });
  afterAll(async () => {
    await expectBooksBalanced(t, customers);
    await t.close();
  });

  async function points(customer: Customer) {
    await t.app.get(OutboxRelay).waitUntilPublished();
    return (await t.http().get('/api/rewards/balance').set(auth(customer)).expect(200)).body as {
      available: string;
      pending: string;
      owed: string;
      lifetime: string;
    };
  }

  async function kinds(customer: Customer): Promise<string[]> {
    await t.app.get(OutboxRelay).waitUntilPublished();
    const items = (await t.http().get('/api/rewards/history?limit=100').set(auth(customer)).expect(200)).body
      .items as Array<{ kind: string; points: string }>;
    return items.map((item) => `${item.kind} ${item.points}`);
  }

  async function reconciled(): Promise<void> {
    await t.app.get(OutboxRelay).waitUntilPublished();
    const report = await t
      .http()
      .get('/api/admin/rewards/reconciliation')
      .set(adminHeader(admin))
      .expect(200);
    expect(report.body).toMatchObject({ ok: true, mismatches: [] });
  }

  async function advance(days: number): Promise<void> {
    await t.app.get(OutboxRelay).waitUntilPublished();
    await advanceDays(t, admin, days);
  }

  it('a card refund after the points became available takes back its share of them', async () => {
    const { customer, card } = await cardholder(t, 'rex', '200.00');
    customers.push(customer);
    // The deposit's 500 and the first-deposit achievement's 100 are available at once.
    expect(await points(customer)).toMatchObject({ available: '600', pending: '0' });
    const dinner = await purchase(t, admin, card.id, '100.00');
    await network(t, admin, card.id, 'clear', { authorizationId: dinner.id, amount: '100.00' }).expect(200);
    // 300 pending for a week; the first card purchase achievement's 100 at once.
    expect(await points(customer)).toMatchObject({ available: '700', pending: '300' });
    await advance(8);
    expect(await points(customer)).toMatchObject({ available: '1000', pending: '0', lifetime: '1000' });

    await network(t, admin, card.id, 'refund', { authorizationId: dinner.id, amount: '40.00' }).expect(200);
    expect(await points(customer)).toMatchObject({ available: '880', lifetime: '880' });
    // The rest of it refunded: the rest of the earn, and never more than the earn.
    await network(t, admin, card.id, 'refund', { authorizationId: dinner.id, amount: '60.00' }).expect(200);
    expect(await points(customer)).toMatchObject({ available: '700', owed: '0' });
    expect((await kinds(customer)).filter((line) => line.startsWith('clawed_back')).sort()).toEqual([
      'clawed_back -120',
      'clawed_back -180',
    ]);
    await reconciled();
  });

  it('a bank deposit returned after its bonus was spent leaves a bounded debt, repaid by the next points', async () => {
    const ned = await bankCustomer(t, 'ned');
    customers.push(ned);
    const account = await verifiedAccount(t, ned, 'R01-late');
    const sent = await bankTransfer(t, ned, 'add-money/ach', { bankAccountId: account, amount: '50.00' });
    expect(sent.status).toBe(202);
    const id = sent.body.transfer.id as string;
    // Settled on the banking clock: the first deposit bonus (500) and the achievement (100) are available.
    for (let day = 0; day < 6 && (await transferStatus(t, ned, id)).status === 'pending'; day += 1)
      await advance(1);
    expect((await transferStatus(t, ned, id)).status).toBe('processed');
    expect(await points(ned)).toMatchObject({ available: '600' });
    await t
      .http()
      .post('/api/rewards/redeem')
      .set(auth(ned))
      .set('Idempotency-Key', randomUUID())
      .send({ itemId: 'cashback-5-usdc', quantity: 1 })
      .expect(201);
    expect(await points(ned)).toMatchObject({ available: '100' });

    // The return (R01) arrives days after settlement: the 500 are taken back — the 100 left, then 100 owed (the
    // bound), and the other 300 written off.
    for (let day = 0; day < 6 && (await transferStatus(t, ned, id)).status !== 'returned'; day += 1)
      await advance(1);
    expect(await transferStatus(t, ned, id)).toMatchObject({ status: 'returned', returnCode: 'R01' });
    expect(await points(ned)).toMatchObject({ available: '-100', owed: '100', lifetime: '100' });
    const lines = await kinds(ned);
    expect(lines).toEqual(expect.arrayContaining(['clawed_back -200', 'written_off 300']));
    await reconciled();

    // The next points earned pay the debt first: 3 points for 3 dollars sent, then the first-transfer achievement's
    // 100 (97 of them to what is still owed).
    const [rex] = customers;
    await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(ned))
      .set('Idempotency-Key', randomUUID())
      .send({ to: rex.email, amount: '3.00', currency: 'USDC' })
      .expect(201);
    expect(await points(ned)).toMatchObject({ available: '3', owed: '0' });
    expect((await kinds(ned)).filter((line) => line.startsWith('debt_repaid')).sort()).toEqual([
      'debt_repaid -3',
      'debt_repaid -97',
    ]);
    await reconciled();
  });
});
