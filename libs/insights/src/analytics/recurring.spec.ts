import { detectRecurring, type PayeeHistory } from './recurring';

const DAY = 86_400_000;
const NOW = new Date('2026-06-15T12:00:00Z');
const daysAgo = (...days: number[]) => days.map((d) => new Date(NOW.getTime() - d * DAY));

function history(recent: Date[], overrides: Partial<PayeeHistory> = {}): PayeeHistory {
  return {
    payeeKind: 'merchant',
    payee: 'Netflix',
    currency: 'USDC',
    amount: 15_490_000n,
    occurrences: recent.length,
    recent,
    ...overrides,
  };
}

describe('recurring payments: the same amount to the same payee at a regular interval', () => {
  it('finds a monthly subscription through months of 28 to 31 days', () => {
    const found = detectRecurring(history(daysAgo(5, 35, 64, 95, 125)), NOW);
    expect(found).toMatchObject({ cadence: 'monthly', intervalDays: 30, occurrences: 5 });
    expect(found?.nextExpectedAt.toISOString()).toBe(
      new Date(NOW.getTime() - 5 * DAY + 30 * DAY).toISOString(),
    );
  });

  it('finds weekly and biweekly payments', () => {
    expect(detectRecurring(history(daysAgo(1, 8, 15, 22)), NOW)?.cadence).toBe('weekly');
    expect(detectRecurring(history(daysAgo(3, 17, 31)), NOW)?.cadence).toBe('biweekly');
  });

  it('needs three payments, regular intervals, and a recent one', () => {
    expect(detectRecurring(history(daysAgo(5, 35)), NOW)).toBeNull();
    expect(detectRecurring(history(daysAgo(5, 12, 40, 41)), NOW)).toBeNull();
    expect(detectRecurring(history(daysAgo(80, 110, 140)), NOW)).toBeNull(); // long overdue: stopped
  });
});
