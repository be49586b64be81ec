import { BankingCalendar, atLocal, federalHolidays, formatLocalDate } from './banking-calendar';

const calendar = new BankingCalendar();
const et = (y: number, m: number, d: number, h: number, min = 0) =>
  atLocal({ year: y, month: m, day: d }, { hour: h, minute: min });

describe('BankingCalendar', () => {
  it('knows the Federal Reserve holidays of a year, a Sunday one observed on the Monday', () => {
    expect([...federalHolidays(2026).keys()].sort()).toEqual([
      '01-01',
      '01-19',
      '02-16',
      '05-25',
      '06-19',
      '07-04',
      '09-07',
      '10-12',
      '11-11',
      '11-26',
      '12-25',
    ]);
    // 1 January 2023 was a Sunday: observed Monday 2 January.
    expect(federalHolidays(2023).has('01-02')).toBe(true);
    expect(federalHolidays(2023).has('01-01')).toBe(false);
  });

  it('turns New York wall-clock times into instants across daylight saving time', () => {
    expect(et(2026, 1, 15, 9).toISOString()).toBe('2026-01-15T14:00:00.000Z');
    expect(et(2026, 7, 15, 9).toISOString()).toBe('2026-07-15T13:00:00.000Z');
  });

  it('settles a standard ACH sent on a Friday evening on Tuesday: Monday’s file, next business day', () => {
    expect(calendar.achSettlement(et(2026, 12, 4, 19), 'standard').toISOString()).toBe(
      et(2026, 12, 8, 9).toISOString(),
    );
    // Before the cut-off on Friday: Friday's file, settled Monday.
    expect(calendar.achSettlement(et(2026, 12, 4, 15, 59), 'standard')).toEqual(et(2026, 12, 7, 9));
  });

  it('skips holidays: the day before Thanksgiving after the cut-off settles the Monday after', () => {
    expect(calendar.achSettlement(et(2026, 11, 25, 18), 'standard')).toEqual(et(2026, 11, 30, 9));
    // A Saturday holiday is not moved (4 July 2026): Friday 3 July is a business day.
    expect(calendar.isBusinessDay({ year: 2026, month: 7, day: 3 })).toBe(true);
  });

  it('settles same-day ACH in the window it makes, or the next business day’s first', () => {
    expect(calendar.achSettlement(et(2026, 12, 3, 10), 'same_day')).toEqual(et(2026, 12, 3, 13));
    expect(calendar.achSettlement(et(2026, 12, 3, 12), 'same_day')).toEqual(et(2026, 12, 3, 17));
    expect(calendar.achSettlement(et(2026, 12, 3, 16, 30), 'same_day')).toEqual(et(2026, 12, 3, 18));
    expect(calendar.achSettlement(et(2026, 12, 4, 17), 'same_day')).toEqual(et(2026, 12, 7, 13));
  });

  it('lets a pending ACH be cancelled until its submission day’s cut-off', () => {
    expect(calendar.achCancelDeadline(et(2026, 12, 3, 10))).toEqual(et(2026, 12, 3, 16));
    expect(calendar.achCancelDeadline(et(2026, 12, 4, 19))).toEqual(et(2026, 12, 7, 16));
  });

  it('sends wires within the hour before the cut-off, else at 10:00 the next business day', () => {
    expect(calendar.wireSettlement(et(2026, 12, 3, 11))).toEqual(et(2026, 12, 3, 12));
    expect(calendar.wireSettlement(et(2026, 12, 3, 16, 45))).toEqual(et(2026, 12, 3, 17, 45));
    expect(calendar.wireSettlement(et(2026, 12, 4, 17, 30))).toEqual(et(2026, 12, 7, 10));
  });

  it('delivers bills after the biller’s lead time in business days', () => {
    expect(formatLocalDate(calendar.deliveryDate(et(2026, 12, 4, 19), 2))).toBe('2026-12-09');
    expect(formatLocalDate(calendar.deliveryDate(et(2026, 12, 4, 10), 5))).toBe('2026-12-11');
  });
});

describe('BankingCalendar: bill payment runs', () => {
  it('runs at the submission day’s cut-off, sends the next business day at 09:00, posts at 17:00', () => {
    const run = calendar.billRun(et(2026, 12, 4, 19));
    expect(run).toEqual(et(2026, 12, 7, 16));
    expect(calendar.billSent(run)).toEqual(et(2026, 12, 8, 9));
    expect(calendar.billPosted({ year: 2026, month: 12, day: 9 })).toEqual(et(2026, 12, 9, 17));
  });
});
