import { plan, planAfterRun, scheduleTerms } from './recurring-transfer';
import { InvalidRecurringScheduleError } from './recurring-transfer.errors';

const now = new Date('2026-03-10T12:00:00.000Z');
const terms = {
  frequency: 'daily' as const,
  startAt: '2026-03-10T12:00:30Z',
  endAt: null,
  maxOccurrences: null,
  timezone: 'UTC',
};

describe('recurring transfer schedule', () => {
  it('accepts a start up to a minute in the past, and refuses one older', () => {
    expect(scheduleTerms({ ...terms, startAt: '2026-03-10T11:59:01Z' }, now).startAt.toISOString()).toBe(
      '2026-03-10T11:59:01.000Z',
    );
    expect(() => scheduleTerms({ ...terms, startAt: '2026-03-10T11:58:59Z' }, now)).toThrow(
      InvalidRecurringScheduleError,
    );
  });

  it('does not hold a stored start (an edit of other terms) to the clock', () => {
    const stored = new Date('2025-01-01T09:00:00Z');
    expect(scheduleTerms({ ...terms, startAt: stored }, now).startAt).toBe(stored);
  });

  it.each([
    [{ endAt: '2026-03-10T12:00:30Z' }, 'endAt'],
    [{ maxOccurrences: 0 }, 'maxOccurrences'],
    [{ maxOccurrences: 1001 }, 'maxOccurrences'],
    [{ timezone: 'Europe/Atlantis' }, 'timezone'],
    [{ startAt: '31/01/2026' }, 'startAt'],
  ])('refuses %p naming %s', (change, field) => {
    try {
      scheduleTerms({ ...terms, ...change }, now);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRecurringScheduleError);
      expect((error as InvalidRecurringScheduleError).details).toEqual({
        fields: [{ field, problems: [expect.stringMatching(new RegExp(`^${field} `))] }],
      });
    }
  });

  it('reads a start without an offset in the schedule’s time zone', () => {
    const rule = scheduleTerms({ ...terms, startAt: '2026-03-11T09:00', timezone: 'America/New_York' }, now);
    expect(rule.startAt.toISOString()).toBe('2026-03-11T13:00:00.000Z'); // EDT since March 8
  });

  const rule = scheduleTerms({ ...terms, maxOccurrences: 3 }, now);

  it('has no next run while paused, and none at all once the last occurrence ran', () => {
    const position = { occurrencesRun: 1, lastOccurrenceAt: rule.startAt, from: now };
    expect(plan(rule, { ...position, status: 'paused' })).toEqual({ status: 'paused', nextRunAt: null });
    expect(plan(rule, { ...position, status: 'active' })).toEqual({
      status: 'active',
      nextRunAt: new Date('2026-03-11T12:00:30.000Z'),
    });
    expect(plan(rule, { ...position, occurrencesRun: 3, status: 'active' })).toEqual({
      status: 'completed',
      nextRunAt: null,
    });
  });

  it('after a late run goes on from now instead of paying every missed occurrence', () => {
    const late = new Date('2026-03-14T15:00:00.000Z');
    expect(planAfterRun({ ...rule, maxOccurrences: null }, rule.startAt, 1, late)).toEqual({
      status: 'active',
      nextRunAt: new Date('2026-03-15T12:00:30.000Z'),
    });
  });
});
