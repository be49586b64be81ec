import type { ReportedLoad } from './report';
import { renderSeededRow, seededReport, seedPlan, type SeededHistory } from './seeded';

describe('the seeded history’s plan', () => {
  it('funds every user once and sends the rest as transfers, none of which can overdraw a sender', () => {
    const plan = seedPlan(100_000, 1_000_000);
    expect(plan).toMatchObject({ deposits: 100_000, transfers: 900_000, maxSendsPerUser: 9 });
    expect(plan.openingMinor).toBe(1_000_000_000n);
    expect(plan.maxTransferMinor * BigInt(plan.maxSendsPerUser)).toBeLessThanOrEqual(plan.openingMinor);
  });

  it('raises the opening deposit when few users send many transfers each', () => {
    const plan = seedPlan(10, 1_000_000);
    expect(plan).toMatchObject({ deposits: 10, transfers: 999_990, maxSendsPerUser: 99_999 });
    expect(plan.openingMinor).toBe(plan.maxTransferMinor * 99_999n);
  });

  it('funds only as many users as there are transactions, and then sends nothing', () => {
    expect(seedPlan(100, 40)).toMatchObject({ deposits: 40, transfers: 0, maxSendsPerUser: 0 });
  });

  it('refuses a history it cannot write', () => {
    expect(() => seedPlan(1, 10)).toThrow('at least 2 users');
    expect(() => seedPlan(10, 0)).toThrow('at least 1 ledger transaction');
  });
});

describe('the seeded run against the empty peak', () => {
  const load = (rps: number) =>
    ({ rps, connections: 16, latency: { p50Ms: 20, p95Ms: 45, p99Ms: 70 } }) as unknown as ReportedLoad;
  const history = {
    plan: {
      users: 100_000,
      transactions: 1_000_000,
      deposits: 100_000,
      transfers: 900_000,
      entries: 2_000_000,
    },
  } as SeededHistory;

  it('meets the target at 0.9× of the empty peak and misses it below', () => {
    expect(seededReport(history, load(450), load(500))).toMatchObject({ ratioToEmpty: 0.9, targetMet: true });
    expect(seededReport(history, load(440), load(500))).toMatchObject({
      ratioToEmpty: 0.88,
      targetMet: false,
    });
  });

  it('says so in the headline row', () => {
    const row = renderSeededRow(seededReport(history, load(440), load(500)), null);
    expect(row).toContain('+100,000 users, +1,000,000 ledger transactions');
    expect(row).toContain(
      '0.880× of the empty peak (target ≥ 0.9×: **NOT met**) | 440 req/s | 20.0 / 45.0 / 70.0 |',
    );
  });
});
