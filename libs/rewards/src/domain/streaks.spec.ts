import { localDate } from '#monay/kernel';
import { advanceStreak, isoWeekName, streakAlive, weekOf } from './streaks';

describe('streaks: consecutive weeks in the member’s own time zone', () => {
  it('names a week by its Monday, across months and years', () => {
    expect(weekOf('2026-12-05')).toBe('2026-11-30'); // a Saturday
    expect(weekOf('2026-11-30')).toBe('2026-11-30'); // the Monday itself
    expect(weekOf('2026-12-06')).toBe('2026-11-30'); // Sunday ends the week
    expect(weekOf('2027-01-01')).toBe('2026-12-28');
    expect(isoWeekName('2026-11-30')).toBe('2026-W49');
    expect(isoWeekName('2026-12-28')).toBe('2026-W53');
    expect(isoWeekName(weekOf('2027-01-04'))).toBe('2027-W01');
  });

  it('counts the week an action fell in where the member lives, not in UTC', () => {
    // Sunday 23:30 in New York is already Monday in UTC: a new week in UTC, the same week in New York.
    const late = new Date('2026-12-07T04:30:00Z');
    expect(weekOf(localDate(late, 'UTC'))).toBe('2026-12-07');
    expect(weekOf(localDate(late, 'America/New_York'))).toBe('2026-11-30');
    // Monday 08:00 in Tokyo is still Sunday in UTC.
    const early = new Date('2026-12-06T23:00:00Z');
    expect(weekOf(localDate(early, 'Asia/Tokyo'))).toBe('2026-12-07');
    expect(weekOf(localDate(early, 'UTC'))).toBe('2026-11-30');
  });

  it('extends on the next week, changes nothing in the same week, starts again after a gap', () => {
    let state = { weeks: 0, lastWeek: null as string | null };
    const step = (monday: string) => {
      const next = advanceStreak(state, monday);
      state = next.state;
      return next;
    };
    expect(step('2026-11-02')).toMatchObject({ changed: true, state: { weeks: 1 } });
    expect(step('2026-11-02')).toMatchObject({ changed: false, state: { weeks: 1 } });
    expect(step('2026-11-09').state.weeks).toBe(2);
    expect(step('2026-11-16').state.weeks).toBe(3);
    expect(step('2026-11-23')).toMatchObject({ state: { weeks: 4 }, milestone: 4 });
    // An event delivered late, for a week already counted, changes nothing.
    expect(step('2026-11-09')).toMatchObject({ changed: false, state: { weeks: 4 } });
    expect(step('2026-12-07')).toMatchObject({
      state: { weeks: 1, lastWeek: '2026-12-07' },
      milestone: null,
    });
    expect(streakAlive(state, '2026-12-14')).toBe(true);
    expect(streakAlive(state, '2026-12-21')).toBe(false);
  });
});
