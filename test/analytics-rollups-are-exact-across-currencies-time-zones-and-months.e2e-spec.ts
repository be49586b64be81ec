import { randomUUID } from 'node:crypto';
import { ProjectionRebuilder } from '#monay/insights';
import { OutboxRelay } from '#monay/shared';
import { maskRecipient } from '#monay/transfers';
import {
  analyticsState,
  depositCompleted,
  externalTransfer,
  fromUnits,
  journal,
  p2p,
  parseCsv,
  swapCompleted,
  toUnits,
  withdrawal,
} from './support/analytics';
import { adminHeader, registerAdmin } from './support/admin';
import { auth, deposit, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

type Group = { key: string | null; amount: string; count: number; currencyAmount?: string };
type Period = { period: string; from: string; to: string; total: string; groups: Group[] };

/**
 * A history seeded in the journal across January–April 2026 (backdated events, projected by the relay like any
 * other), in USDC and EURC, around month ends that fall on different days in New York, UTC and Tokyo; EURC valued
 * at the reference price recorded for its day. Every figure is exact to the cent.
 */
describe('analytics: rollups exact across currencies, time zones and month ends; export; rebuild', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;
  let bob: Customer;
  let carol: Customer;

  const spending = async (query: string, who: Customer = alice) =>
    (await t.http().get(`/api/analytics/spending?${query}`).set(auth(who)).expect(200)).body;
  const setZone = async (timezone: string) => {
    const response = await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(alice))
      .send({ timezone })
      .expect(200);
    expect(response.body.preferences.timezone).toBe(timezone);
    await t.app.get(OutboxRelay).drain();
  };
  const monthly = async (from: string, to: string) =>
    ((await spending(`from=${from}&to=${to}&granularity=month&groupBy=category`)).series as Period[]).map(
      (p) => [p.period, p.total],
    );

  beforeAll(async () => {
    t = await startTestApp({ EURC_USD_PRICE: '1.08' });
    admin = adminHeader(await registerAdmin(t));
    [alice, bob, carol] = [await onboard(t, 'alice'), await onboard(t, 'bob'), await onboard(t, 'carol')];

    // The price feed: EURC's USD price on two past days (not recorded before: each is fixed from now on).
    for (const [day, price] of [
      ['2026-02-10', '1.05'],
      ['2026-03-05', '1.10'],
    ]) {
      await t
        .http()
        .put('/api/admin/reference-prices')
        .set(admin)
        .send({ currency: 'EURC', day, price })
        .expect(201);
    }
    await setZone('America/New_York');

    const A = alice.userId;
    await journal(t, [
      depositCompleted({
        userId: A,
        amount: '100.00',
        fee: '0.10',
        credited: '99.90',
        at: '2026-01-15T15:00:00Z',
      }),
      // 18:30 in New York on January 31; still January 31 in UTC; February 1 in Tokyo.
      p2p({ from: A, to: bob.userId, amount: '10.00', note: 'pizza night', at: '2026-01-31T23:30:00Z' }),
      // 22:00 in New York on January 31; February 1 in UTC and in Tokyo.
      p2p({ from: A, to: bob.userId, amount: '20.00', note: 'rent', at: '2026-02-01T03:00:00Z' }),
      // Paid on chain to Amazon in EURC on a day EURC was worth 1.05.
      ...externalTransfer({
        userId: A,
        currency: 'EURC',
        amount: '15.50',
        fee: '0.01',
        note: 'AMZN MKTP US*2K4',
        at: '2026-02-10T12:00:00Z',
        completedAt: '2026-02-10T12:00:05Z',
      }),
      p2p({ from: bob.userId, to: A, amount: '25.00', note: 'salary', at: '2026-02-15T12:00:00Z' }),
      // Between her own assets: not spending (its fee is a fee).
      swapCompleted({
        userId: A,
        from: 'USDC',
        to: 'EURC',
        amountIn: '50.00',
        fee: '0.015',
        rate: '0.9',
        amountOut: '44.9865',
        at: '2026-02-20T10:00:00Z',
      }),
      // EURC at 1.10 that day.
      p2p({
        from: A,
        to: carol.userId,
        amount: '30.00',
        currency: 'EURC',
        note: 'groceries',
        at: '2026-03-05T10:00:00Z',
      }),
      // March 31 in New York and UTC, April 1 in Tokyo; paid out the next day (it stays on the day it was asked).
      ...withdrawal({
        userId: A,
        amount: '40.00',
        fee: '1.00',
        at: '2026-03-31T23:00:00Z',
        completedAt: '2026-04-01T01:00:00Z',
      }),
    ]);
  }, 120_000);
  afterAll(() => t.close());

  it('sums spending per month in the user’s time zone, exact to the cent, per category and currency', async () => {
    const body = await spending('from=2026-01-01&to=2026-03-31&granularity=month&groupBy=category');
    expect(body).toMatchObject({
      success: true,
      timezone: 'America/New_York',
      from: '2026-01-01',
      to: '2026-03-31',
      currency: 'USD',
    });
    // January: the deposit's 0.10 fee, pizza 10.00, rent 20.00 (January 31 in New York).
    // February: Amazon 15.50 EURC × 1.05 = 16.275 → 16.27, its fee 0.01 EURC → 0.01; the swap's 0.015 USDC fee → 0.01.
    // March: groceries 30.00 EURC × 1.10 = 33.00; the withdrawal 40.00 and its fee 1.00.
    expect((body.series as Period[]).map((p) => [p.period, p.from, p.to, p.total])).toEqual([
      ['2026-01-01', '2026-01-01', '2026-01-31', '30.10'],
      ['2026-02-01', '2026-02-01', '2026-02-28', '16.29'],
      ['2026-03-01', '2026-03-01', '2026-03-31', '74.00'],
    ]);
    expect(body.totals.total).toBe('120.39');
    expect((body.totals.groups as Group[]).map((g) => [g.key, g.amount, g.count]).sort()).toEqual(
      [
        ['BANK_FEES', '1.12', 4],
        ['FOOD_AND_DRINK', '43.00', 2],
        ['GENERAL_MERCHANDISE', '16.27', 1],
        ['RENT_AND_UTILITIES', '20.00', 1],
        ['TRANSFER_OUT', '40.00', 1],
      ].sort(),
    );
    // Nothing before January: the three previous quarters average zero.
    expect(body.comparison).toMatchObject({ periods: 3, average: '0.00', change: '120.39' });
    expect(body.comparison.ranges.map((r: { from: string; to: string }) => [r.from, r.to])).toEqual([
      ['2025-10-01', '2025-12-31'],
      ['2025-07-01', '2025-09-30'],
      ['2025-04-01', '2025-06-30'],
    ]);

    const byCurrency = await spending('from=2026-01-01&to=2026-03-31&granularity=month&groupBy=currency');
    expect(byCurrency.totals.byCurrency).toEqual([
      // 15.50 + 0.01 + 30.00 EURC = 45.51 EURC, valued 16.27 + 0.01 + 33.00
      { currency: 'EURC', amount: '45.51', usdAmount: '49.28', count: 3 },
      // 0.10 + 10.00 + 20.00 + 0.015 + 40.00 + 1.00 USDC
      { currency: 'USDC', amount: '71.115', usdAmount: '71.11', count: 6 },
    ]);
    expect((byCurrency.totals.groups as Group[]).map((g) => [g.key, g.amount, g.currencyAmount])).toEqual([
      ['USDC', '71.11', '71.115'],
      ['EURC', '49.28', '45.51'],
    ]);
  });

  it('compares a month with the average of the three months before it', async () => {
    const march = await spending('from=2026-03-01&to=2026-03-31&granularity=week&groupBy=merchant');
    // February 16.29 + January 30.10 + December 0 = 46.39 / 3 = 15.463… → 15.46
    expect(march.comparison).toMatchObject({ average: '15.46', change: '58.54' });
    expect(march.comparison.ranges.map((r: { total: string }) => r.total)).toEqual([
      '16.29',
      '30.10',
      '0.00',
    ]);
    // Weeks start on Mondays; the first and last are cut at the range.
    expect((march.series as Period[]).map((p) => [p.period, p.from, p.to])).toEqual([
      ['2026-02-23', '2026-03-01', '2026-03-01'],
      ['2026-03-02', '2026-03-02', '2026-03-08'],
      ['2026-03-09', '2026-03-09', '2026-03-15'],
      ['2026-03-16', '2026-03-16', '2026-03-22'],
      ['2026-03-23', '2026-03-23', '2026-03-29'],
      ['2026-03-30', '2026-03-30', '2026-03-31'],
    ]);
    const february = await spending('from=2026-02-01&to=2026-02-28&groupBy=merchant');
    const amazon = (february.totals.groups as Array<Group & { label: string; logoUrl: string | null }>).find(
      (g) => g.key === 'Amazon',
    );
    expect(amazon).toMatchObject({ label: 'Amazon', amount: '16.27', count: 1 });
    expect(amazon?.logoUrl).toMatch(/^https:\/\//);
  });

  it('values EURC at the price recorded for its day, not today’s, and keeps a day’s price once fixed', async () => {
    const rows = parseCsv(
      (
        await t
          .http()
          .get('/api/transactions/export?from=2026-02-01&to=2026-03-31')
          .set(auth(alice))
          .expect(200)
      ).text,
    );
    const eurc = rows.filter((r) => r.currency === 'EURC');
    expect(eurc.map((r) => [r.type, r.amount, r.usd_amount, r.fx_rate])).toEqual([
      ['transfer_out', '-15.50', '-16.27', '1.05'],
      ['swap_in', '44.9865', '48.58', '1.08'], // no price recorded for February 20: the configured one, fixed then
      ['transfer_out', '-30.00', '-33.00', '1.10'],
    ]);
    const fixed = await t
      .http()
      .put('/api/admin/reference-prices')
      .set(admin)
      .send({ currency: 'EURC', day: '2026-02-20', price: '2.00' })
      .expect(409);
    expect(fixed.body.error).toMatchObject({ code: 'REFERENCE_PRICE_FIXED', details: { price: '1.08' } });
    const listed = await t
      .http()
      .get('/api/admin/reference-prices?currency=EURC&from=2026-02-01&to=2026-03-31')
      .set(admin)
      .expect(200);
    expect(
      listed.body.prices.map((p: { day: string; price: string; source: string }) => [
        p.day,
        p.price,
        p.source,
      ]),
    ).toEqual([
      ['2026-02-10', '1.05', 'feed'],
      ['2026-02-20', '1.08', 'configuration'],
      ['2026-03-05', '1.10', 'feed'],
    ]);
    await t.http().get('/api/admin/reference-prices').set(auth(alice)).expect(403);
    await t
      .http()
      .put('/api/admin/reference-prices')
      .set(admin)
      .send({ currency: 'EURC', day: '2999-01-01', price: '1.00' })
      .expect(400);
  });

  it('does not count an own-asset swap as spending or income, only its fee', async () => {
    const february = await spending('from=2026-02-20&to=2026-02-20&groupBy=category');
    expect(february.totals.groups).toEqual([
      expect.objectContaining({ key: 'BANK_FEES', amount: '0.01', count: 1 }),
    ]);
    const trends = await t
      .http()
      .get('/api/analytics/categories?from=2026-02-01&to=2026-02-28')
      .set(auth(alice))
      .expect(200);
    expect(trends.body.categories.map((c: { category: string }) => c.category)).not.toContain('TRANSFER_OUT');
  });

  it('shares spending per category and sub-category', async () => {
    const body = (
      await t
        .http()
        .get('/api/analytics/categories?from=2026-01-01&to=2026-03-31')
        .set(auth(alice))
        .expect(200)
    ).body;
    expect(body.total).toBe('120.39');
    const food = body.categories.find((c: { category: string }) => c.category === 'FOOD_AND_DRINK');
    expect(food).toMatchObject({ label: 'Food and Drink', amount: '43.00', share: '0.3572' });
    expect(
      food.subCategories.map((s: { subCategory: string; amount: string; shareOfCategory: string }) => [
        s.subCategory,
        s.amount,
        s.shareOfCategory,
      ]),
    ).toEqual([
      ['FOOD_AND_DRINK_GROCERIES', '33.00', '0.7674'],
      ['FOOD_AND_DRINK_RESTAURANT', '10.00', '0.2326'],
    ]);
  });

  it('re-buckets the user’s days when their time zone changes: UTC, then Tokyo, then back', async () => {
    await setZone('UTC');
    expect(await monthly('2026-01-01', '2026-03-31')).toEqual([
      ['2026-01-01', '10.10'], // rent is February 1 in UTC
      ['2026-02-01', '36.29'],
      ['2026-03-01', '74.00'],
    ]);
    await setZone('Asia/Tokyo');
    expect(await monthly('2026-01-01', '2026-04-30')).toEqual([
      ['2026-01-01', '0.10'], // pizza and rent are February 1 in Tokyo
      ['2026-02-01', '46.29'],
      ['2026-03-01', '33.00'],
      ['2026-04-01', '41.00'], // the withdrawal was asked on April 1 in Tokyo
    ]);
    const day = await spending('from=2026-02-01&to=2026-02-01&groupBy=counterparty');
    expect(day.totals.groups).toEqual([
      expect.objectContaining({
        key: bob.userId,
        label: maskRecipient(bob.email),
        amount: '30.00',
        count: 2,
      }),
    ]);
    await setZone('America/New_York');
    expect(await monthly('2026-01-01', '2026-03-31')).toEqual([
      ['2026-01-01', '30.10'],
      ['2026-02-01', '16.29'],
      ['2026-03-01', '74.00'],
    ]);
  });

  it('exports exactly the history of the range, signed, with categories and merchants', async () => {
    const csv = await t
      .http()
      .get('/api/transactions/export?from=2026-01-01&to=2026-03-31')
      .set(auth(alice))
      .expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('monay-transactions-2026-01-01-2026-03-31.csv');
    expect(csv.text.split('\r\n')[0]).toBe(
      'date,type,currency,amount,fee,usd_amount,fx_rate,counterparty,category,sub_category,merchant,note,status,reference',
    );
    const rows = parseCsv(csv.text);
    expect(rows.map((r) => [r.date, r.type, r.amount, r.category, r.merchant])).toEqual([
      ['2026-01-15T10:00:00-05:00', 'deposit', '99.90', 'TRANSFER_IN', ''],
      ['2026-01-31T18:30:00-05:00', 'transfer_out', '-10.00', 'FOOD_AND_DRINK', ''],
      ['2026-01-31T22:00:00-05:00', 'transfer_out', '-20.00', 'RENT_AND_UTILITIES', ''],
      ['2026-02-10T07:00:00-05:00', 'transfer_out', '-15.50', 'GENERAL_MERCHANDISE', 'Amazon'],
      ['2026-02-15T07:00:00-05:00', 'transfer_in', '25.00', 'INCOME', ''],
      ['2026-02-20T05:00:00-05:00', 'swap_in', '44.9865', 'TRANSFER_IN', ''],
      ['2026-02-20T05:00:00-05:00', 'swap_out', '-50.00', 'TRANSFER_OUT', ''],
      ['2026-03-05T05:00:00-05:00', 'transfer_out', '-30.00', 'FOOD_AND_DRINK', ''],
      ['2026-03-31T19:00:00-04:00', 'withdrawal', '-40.00', 'TRANSFER_OUT', ''],
    ]);
    expect(rows[0]).toMatchObject({
      fee: '0.10',
      sub_category: 'TRANSFER_IN_ACCOUNT_TRANSFER',
      status: 'completed',
    });
    expect(rows[1]).toMatchObject({ counterparty: maskRecipient(bob.email), note: 'pizza night' });

    // The same movements, and the same sums per currency, as the history read model.
    const history = (await t.http().get('/api/transactions?limit=100').set(auth(alice)).expect(200)).body
      .transactions as Array<{
      id: string;
      type: string;
      amount: string;
      currency: string;
      occurredAt: string;
    }>;
    const inRange = history.filter(
      (h) => h.occurredAt >= '2026-01-01T05:00:00.000Z' && h.occurredAt < '2026-04-01T04:00:00.000Z',
    );
    expect(rows).toHaveLength(inRange.length);
    const signed = (type: string, amount: string) =>
      ['transfer_out', 'withdrawal', 'swap_out'].includes(type) ? -toUnits(amount) : toUnits(amount);
    for (const currency of ['USDC', 'EURC']) {
      const exported = rows
        .filter((r) => r.currency === currency)
        .reduce((s, r) => s + toUnits(r.amount), 0n);
      const listed = inRange
        .filter((h) => h.currency === currency)
        .reduce((s, h) => s + signed(h.type, h.amount), 0n);
      expect([currency, fromUnits(exported)]).toEqual([currency, fromUnits(listed)]);
    }
    expect(new Set(rows.map((r) => r.reference))).toEqual(new Set(inRange.map((h) => h.id)));

    const json = await t
      .http()
      .get('/api/transactions/export?from=2026-01-01&to=2026-03-31&format=json')
      .set(auth(alice))
      .expect(200);
    const parsed = JSON.parse(json.text);
    expect(parsed).toMatchObject({ success: true, count: rows.length, timezone: 'America/New_York' });
    expect(parsed.transactions.map((r: { reference: string }) => r.reference)).toEqual(
      rows.map((r) => r.reference),
    );

    // Nobody else's movements: bob's export of the same range has his side only.
    const bobs = parseCsv(
      (
        await t
          .http()
          .get('/api/transactions/export?from=2026-01-01&to=2026-03-31')
          .set(auth(bob))
          .expect(200)
      ).text,
    );
    expect(bobs.map((r) => [r.type, r.amount])).toEqual([
      ['transfer_in', '10.00'],
      ['transfer_in', '20.00'],
      ['transfer_out', '-25.00'],
    ]);
  });

  it('answers live movements from the rollups too: summary and trends agree with spending', async () => {
    await deposit(t, alice, '200.00');
    await deposit(t, alice, '50.00', 'EURC');
    await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.email, amount: '12.34', note: 'coffee' })
      .expect(201);
    await t.app.get(OutboxRelay).drain();
    const summary = (await t.http().get('/api/analytics/summary').set(auth(alice)).expect(200)).body;
    const month = await spending(`from=${summary.thisMonth.from}&to=${summary.today}`);
    expect(summary.thisMonth.spending).toBe(month.totals.total);
    expect(summary.topCategories.map((c: { category: string }) => c.category)).toContain('FOOD_AND_DRINK');
    expect(summary.balanceTrend).toHaveLength(30);
    expect(summary.balanceTrend[29].day).toBe(summary.today);
    const portfolio = (await t.http().get('/api/consumer/portfolio').set(auth(alice)).expect(200)).body;
    // The last day of the trend is what is held now (EURC at today's fixed price, 1.08, as the portfolio values it).
    expect(summary.balanceTrend[29].totalUSD).toBe(portfolio.totalUSD);

    const trends = (await t.http().get('/api/analytics/trends?months=2').set(auth(alice)).expect(200)).body;
    expect(trends.months).toHaveLength(2);
    expect(trends.months[1]).toMatchObject({
      spending: summary.thisMonth.spending,
      income: summary.thisMonth.income,
    });
    const food = trends.movers.find((m: { category: string }) => m.category === 'FOOD_AND_DRINK');
    expect(food).toMatchObject({ direction: 'up', current: '12.34', median: '0.00', change: '12.34' });
    expect(food.drivers).toEqual([
      expect.objectContaining({ kind: 'counterparty', key: bob.userId, current: '12.34', change: '12.34' }),
    ]);
  });

  it('refuses bad query parameters with 400 and a stable code', async () => {
    const cases: Array<[string, string]> = [
      ['/api/analytics/spending?from=2026-02-30', 'VALIDATION_FAILED'],
      ['/api/analytics/spending?from=yesterday', 'VALIDATION_FAILED'],
      ['/api/analytics/spending?from=9999-12-31&to=9999-12-31', 'VALIDATION_FAILED'],
      ['/api/analytics/categories?from=0001-01-01&to=0001-01-02', 'VALIDATION_FAILED'],
      ['/api/analytics/spending?granularity=year', 'VALIDATION_FAILED'],
      ['/api/analytics/spending?groupBy=mood', 'VALIDATION_FAILED'],
      ['/api/analytics/spending?currency=USDC', 'VALIDATION_FAILED'],
      ['/api/analytics/spending?from=2026-03-01&to=2026-02-01', 'INVALID_DATE_RANGE'],
      ['/api/analytics/spending?from=2024-01-01&to=2026-01-01&granularity=day', 'INVALID_DATE_RANGE'],
      ['/api/analytics/trends?months=0', 'VALIDATION_FAILED'],
      ['/api/analytics/trends?months=25', 'VALIDATION_FAILED'],
      ['/api/analytics/trends?months=1.5', 'VALIDATION_FAILED'],
      ['/api/analytics/categories?to=2026-13-01', 'VALIDATION_FAILED'],
      ['/api/transactions/export?format=xml', 'VALIDATION_FAILED'],
      ['/api/transactions/export?from=2000-01-01&to=2026-01-01', 'INVALID_DATE_RANGE'],
    ];
    for (const [path, code] of cases) {
      const response = await t.http().get(path).set(auth(alice));
      expect([path, response.status, response.body.error?.code]).toEqual([path, 400, code]);
    }
    const zone = await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(alice))
      .send({ timezone: '+02:00' })
      .expect(400);
    expect(zone.body.error.code).toBe('VALIDATION_FAILED');
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(alice))
      .send({ timezone: 'Mars/Olympus' })
      .expect(400);
  });

  it('rebuilds the analytics read models from the journal to exactly the live state', async () => {
    const before = await analyticsState(t);
    const views = async () =>
      Promise.all([
        spending('from=2026-01-01&to=2026-03-31&granularity=month&groupBy=category'),
        t
          .http()
          .get('/api/analytics/categories?from=2026-01-01&to=2026-03-31')
          .set(auth(alice))
          .then((r) => r.body),
        t
          .http()
          .get('/api/transactions/export?from=2026-01-01&to=2026-12-31')
          .set(auth(alice))
          .then((r) => r.text),
      ]);
    const live = await views();
    await t.app.get(ProjectionRebuilder).rebuild();
    expect(await analyticsState(t)).toEqual(before);
    expect(await views()).toEqual(live);
    expect(before.movements.length).toBeGreaterThan(10);
  });
});
