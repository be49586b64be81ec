import { DataSource } from 'typeorm';
import { EXPORT_BATCH } from '../libs/insights/src/analytics/transaction-export';
import {
  depositCompleted,
  externalTransfer,
  fromUnits,
  journal,
  p2p,
  parseCsv,
  toUnits,
  type JournalEntry,
} from './support/analytics';
import { auth, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

const DAY = 86_400_000;
const NOTES = ['coffee', 'lunch', 'groceries', 'uber', 'movie', 'gift', 'rent', 'books', null];

/**
 * A year of history (thousands of movements, seeded in the journal and projected by the relay) is exported row by
 * row from keyset-paginated queries: the row count and the sums per currency are exactly what was journaled. The
 * same history's repeated payments are found as recurring (monthly, weekly) when they are regular and recent.
 */
describe('analytics: a year of history exported exactly; recurring payments detected', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  const expected = { rows: 0, USDC: 0n, EURC: 0n, fees: 0n };
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  const yearAgo = new Date(now - 364 * DAY).toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp({ EURC_USD_PRICE: '1.08' });
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    const A = alice.userId;
    const entries: JournalEntry[] = [];
    const add = (entry: JournalEntry, currency: string, signed: bigint) => {
      entries.push(entry);
      expected.rows += 1;
      expected[currency as 'USDC' | 'EURC'] += signed;
    };
    // 2,200 payments over the last 364 days (6 a day, hour by hour), a tenth of them in EURC, and a deposit a week.
    for (let i = 0; i < 2_200; i += 1) {
      const at = new Date(now - 364 * DAY + Math.floor((i * 364 * DAY) / 2_200) + 60_000);
      const currency = i % 10 === 0 ? 'EURC' : 'USDC';
      const amount = `${1 + (i % 97)}.${String(i % 100).padStart(2, '0')}`;
      const note = NOTES[i % NOTES.length];
      add(p2p({ from: A, to: bob.userId, amount, currency, note, at }), currency, -toUnits(amount));
      if (i % 42 === 0) {
        add(
          depositCompleted({ userId: A, amount: '300.00', fee: '0.30', credited: '299.70', at }),
          'USDC',
          toUnits('299.70'),
        );
      }
    }
    // Netflix every 30 days for six months, and 5.00 to bob every week for ten weeks: recurring.
    for (let m = 5; m >= 0; m -= 1) {
      const at = new Date(now - m * 30 * DAY - 3 * DAY);
      const [requested, completed] = externalTransfer({
        userId: A,
        amount: '15.49',
        fee: '0.01',
        note: 'NETFLIX.COM 866-579-7172 CA',
        at,
        completedAt: at,
      });
      entries.push(requested, completed);
      expected.rows += 1;
      expected.USDC -= toUnits('15.49');
      expected.fees += toUnits('0.01');
    }
    for (let w = 9; w >= 0; w -= 1) {
      add(
        p2p({
          from: A,
          to: bob.userId,
          amount: '5.00',
          note: 'lunch money',
          at: new Date(now - w * 7 * DAY - DAY),
        }),
        'USDC',
        -toUnits('5.00'),
      );
    }
    entries.sort((a, b) => new Date(a.occurredAt).getTime() - new Date(b.occurredAt).getTime());
    await journal(t, entries);
  }, 600_000);
  afterAll(() => t.close());

  it('streams every movement of the year, oldest first, with exact sums per currency', async () => {
    expect(expected.rows).toBeGreaterThan(2 * EXPORT_BATCH);
    const response = await t
      .http()
      .get(`/api/transactions/export?from=${yearAgo}&to=${today}`)
      .set(auth(alice))
      .expect(200);
    const rows = parseCsv(response.text);
    expect(rows).toHaveLength(expected.rows);
    for (const currency of ['USDC', 'EURC'] as const) {
      const sum = rows.filter((r) => r.currency === currency).reduce((s, r) => s + toUnits(r.amount), 0n);
      expect([currency, fromUnits(sum)]).toEqual([currency, fromUnits(expected[currency])]);
    }
    const fees = rows.filter((r) => r.type === 'transfer_out').reduce((s, r) => s + toUnits(r.fee), 0n);
    expect(fromUnits(fees)).toBe(fromUnits(expected.fees));
    const dates = rows.map((r) => r.date);
    expect([...dates].sort()).toEqual(dates);
    expect(new Set(rows.map((r) => r.reference)).size).toBe(rows.length);

    const json = await t
      .http()
      .get(`/api/transactions/export?from=${yearAgo}&to=${today}&format=json`)
      .set(auth(alice))
      .expect(200);
    const body = JSON.parse(json.text);
    expect(body.count).toBe(expected.rows);
    expect(body.transactions).toHaveLength(expected.rows);
  });

  it('agrees with the rollups: spending of the year per currency equals the export’s money out', async () => {
    const spending = (
      await t
        .http()
        .get(`/api/analytics/spending?from=${yearAgo}&to=${today}&granularity=month&groupBy=currency`)
        .set(auth(alice))
        .expect(200)
    ).body;
    const rows = parseCsv(
      (
        await t
          .http()
          .get(`/api/transactions/export?from=${yearAgo}&to=${today}`)
          .set(auth(alice))
          .expect(200)
      ).text,
    );
    for (const { currency, amount } of spending.totals.byCurrency as Array<{
      currency: string;
      amount: string;
    }>) {
      const out = rows
        .filter((r) => r.currency === currency && r.amount.startsWith('-'))
        .reduce((s, r) => s - toUnits(r.amount) + toUnits(r.fee), 0n);
      const withheld = rows
        .filter((r) => r.currency === currency && r.type === 'deposit')
        .reduce((s, r) => s + toUnits(r.fee), 0n);
      expect([currency, amount]).toEqual([currency, fromUnits(out + withheld)]);
    }
  });

  it('finds the monthly subscription and the weekly transfer among the repeated payments', async () => {
    const summary = (await t.http().get('/api/analytics/summary').set(auth(alice)).expect(200)).body;
    const recurring = summary.recurring as Array<{
      kind: string;
      key: string;
      label: string;
      amount: string;
      cadence: string;
      occurrences: number;
    }>;
    expect(recurring).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'merchant',
          label: 'Netflix',
          amount: '15.49',
          cadence: 'monthly',
          occurrences: 6,
        }),
        expect.objectContaining({
          kind: 'counterparty',
          key: bob.userId,
          amount: '5.00',
          cadence: 'weekly',
          occurrences: 10,
        }),
      ]),
    );
    // Irregular payments of the same amount are not recurring.
    expect(recurring.filter((r) => r.cadence !== 'monthly' && r.cadence !== 'weekly')).toEqual([]);
  });

  it('answers the year from the rollups: twelve months of trends add up to the year’s spending', async () => {
    const [{ movements }] = (await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS movements FROM analytics_movements WHERE user_id = $1`, [
        alice.userId,
      ])) as Array<{
      movements: number;
    }>;
    expect(movements).toBe(expected.rows);
    const trends = (await t.http().get('/api/analytics/trends?months=12').set(auth(alice)).expect(200)).body;
    expect(trends.months).toHaveLength(12);
    const first = trends.months[0].from as string;
    const spending = (
      await t
        .http()
        .get(`/api/analytics/spending?from=${first}&to=${today}&granularity=month`)
        .set(auth(alice))
        .expect(200)
    ).body;
    const months = (trends.months as Array<{ spending: string }>).reduce(
      (s, m) => s + toUnits(m.spending, 2),
      0n,
    );
    expect(fromUnits(months, 2)).toBe(spending.totals.total);
    expect((spending.series as Array<{ total: string }>).map((p) => p.total)).toEqual(
      (trends.months as Array<{ spending: string }>).map((m) => m.spending),
    );
  });
});
