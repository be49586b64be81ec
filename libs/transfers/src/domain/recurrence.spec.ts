import {
  canonicalTimeZone,
  nextOccurrence,
  occurrence,
  occurrenceAfter,
  parseScheduleInstant,
  type Recurrence,
} from './recurrence';

function rule(overrides: Partial<Recurrence> & Pick<Recurrence, 'frequency' | 'startAt'>): Recurrence {
  return { timezone: 'UTC', endAt: null, maxOccurrences: null, ...overrides };
}

function first(r: Recurrence, count: number): string[] {
  return Array.from({ length: count }, (_, index) => occurrence(r, index).toISOString());
}

const at = (iso: string) => new Date(iso);

describe('recurrence', () => {
  describe('daily', () => {
    it('runs every day at the same UTC time by default', () => {
      expect(first(rule({ frequency: 'daily', startAt: at('2026-02-27T10:15:00.000Z') }), 3)).toEqual([
        '2026-02-27T10:15:00.000Z',
        '2026-02-28T10:15:00.000Z',
        '2026-03-01T10:15:00.000Z',
      ]);
    });

    it('keeps 09:00 New York time across spring-forward and fall-back', () => {
      const spring = rule({
        frequency: 'daily',
        startAt: at('2025-03-08T14:00:00.000Z'), // 09:00 EST
        timezone: 'America/New_York',
      });
      expect(first(spring, 3)).toEqual([
        '2025-03-08T14:00:00.000Z',
        '2025-03-09T13:00:00.000Z', // 09:00 EDT
        '2025-03-10T13:00:00.000Z',
      ]);
      const autumn = { ...spring, startAt: at('2025-11-01T13:00:00.000Z') }; // 09:00 EDT
      expect(first(autumn, 3)).toEqual([
        '2025-11-01T13:00:00.000Z',
        '2025-11-02T14:00:00.000Z', // 09:00 EST
        '2025-11-03T14:00:00.000Z',
      ]);
    });

    it('moves a wall time that does not exist on the spring-forward day forward by the gap, then returns to it', () => {
      const r = rule({
        frequency: 'daily',
        startAt: at('2025-03-08T07:30:00.000Z'), // 02:30 EST
        timezone: 'America/New_York',
      });
      expect(first(r, 3)).toEqual([
        '2025-03-08T07:30:00.000Z',
        '2025-03-09T07:30:00.000Z', // 02:30 does not exist: 03:30 EDT
        '2025-03-10T06:30:00.000Z', // 02:30 EDT
      ]);
    });

    it('takes the earlier of the two instants of an ambiguous fall-back wall time', () => {
      const r = rule({
        frequency: 'daily',
        startAt: at('2025-11-01T05:30:00.000Z'), // 01:30 EDT
        timezone: 'America/New_York',
      });
      expect(occurrence(r, 1).toISOString()).toBe('2025-11-02T05:30:00.000Z'); // 01:30 EDT, not 01:30 EST
      expect(occurrence(r, 2).toISOString()).toBe('2025-11-03T06:30:00.000Z'); // 01:30 EST
    });
  });

  describe('weekly and biweekly', () => {
    it('runs weekly on the same weekday and Paris wall time across the March change', () => {
      const r = rule({
        frequency: 'weekly',
        startAt: at('2025-03-24T08:00:00.000Z'), // Monday 09:00 CET
        timezone: 'Europe/Paris',
      });
      expect(first(r, 2)).toEqual(['2025-03-24T08:00:00.000Z', '2025-03-31T07:00:00.000Z']); // 09:00 CEST
    });

    it('runs biweekly every 14 days from startAt', () => {
      const r = rule({ frequency: 'biweekly', startAt: at('2026-01-05T12:00:00.000Z') });
      expect(first(r, 4)).toEqual([
        '2026-01-05T12:00:00.000Z',
        '2026-01-19T12:00:00.000Z',
        '2026-02-02T12:00:00.000Z',
        '2026-02-16T12:00:00.000Z',
      ]);
    });
  });

  describe('monthly', () => {
    it('runs on the 31st, or the last day of shorter months: Jan 31 → Feb 28 → Mar 31 → Apr 30', () => {
      const r = rule({ frequency: 'monthly', startAt: at('2025-01-31T09:00:00.000Z') });
      expect(first(r, 5)).toEqual([
        '2025-01-31T09:00:00.000Z',
        '2025-02-28T09:00:00.000Z',
        '2025-03-31T09:00:00.000Z',
        '2025-04-30T09:00:00.000Z',
        '2025-05-31T09:00:00.000Z',
      ]);
    });

    it('runs on Feb 29 in a leap year', () => {
      const r = rule({ frequency: 'monthly', startAt: at('2024-01-31T09:00:00.000Z') });
      expect(occurrence(r, 1).toISOString()).toBe('2024-02-29T09:00:00.000Z');
      expect(occurrence(r, 2).toISOString()).toBe('2024-03-31T09:00:00.000Z');
    });

    it.each([
      ['29th', '2025-01-29T09:00:00.000Z', ['2025-02-28T09:00:00.000Z', '2025-03-29T09:00:00.000Z']],
      ['30th', '2025-01-30T09:00:00.000Z', ['2025-02-28T09:00:00.000Z', '2025-03-30T09:00:00.000Z']],
    ])('runs on the %s, clamped in February only', (_day, start, expected) => {
      const r = rule({ frequency: 'monthly', startAt: at(start) });
      expect([occurrence(r, 1).toISOString(), occurrence(r, 2).toISOString()]).toEqual(expected);
    });

    it('crosses the year and keeps the local day and time in the schedule’s zone', () => {
      // Jan 31 23:30 in Sydney (AEDT, +11) is Jan 31 12:30Z; the month end is local, not UTC.
      const r = rule({
        frequency: 'monthly',
        startAt: at('2025-12-31T12:30:00.000Z'),
        timezone: 'Australia/Sydney',
      });
      expect(first(r, 5)).toEqual([
        '2025-12-31T12:30:00.000Z', // Dec 31 23:30 AEDT
        '2026-01-31T12:30:00.000Z', // Jan 31 23:30 AEDT
        '2026-02-28T12:30:00.000Z', // Feb 28 23:30 AEDT
        '2026-03-31T12:30:00.000Z', // Mar 31 23:30 AEDT
        '2026-04-30T13:30:00.000Z', // Apr 30 23:30 AEST (+10), after Sydney's April change
      ]);
    });
  });

  describe('next occurrence', () => {
    const daily = rule({
      frequency: 'daily',
      startAt: at('2025-01-01T09:00:00.000Z'),
      timezone: 'Europe/London',
    });

    it('is startAt itself until startAt has passed', () => {
      expect(nextOccurrence(daily, { from: at('2024-12-01T00:00:00Z') })?.toISOString()).toBe(
        '2025-01-01T09:00:00.000Z',
      );
      expect(nextOccurrence(daily, { from: at('2025-01-01T09:00:00Z') })?.toISOString()).toBe(
        '2025-01-01T09:00:00.000Z',
      );
    });

    it('is the first one strictly after an instant, years after startAt', () => {
      expect(occurrenceAfter(daily, at('2027-06-15T07:59:59.999Z'))?.toISOString()).toBe(
        '2027-06-15T08:00:00.000Z', // 09:00 BST
      );
      expect(occurrenceAfter(daily, at('2027-06-15T08:00:00.000Z'))?.toISOString()).toBe(
        '2027-06-16T08:00:00.000Z',
      );
      expect(occurrenceAfter(daily, at('2027-12-15T12:00:00.000Z'))?.toISOString()).toBe(
        '2027-12-16T09:00:00.000Z', // 09:00 GMT
      );
    });

    it('never returns the occurrence that already ran (`after`)', () => {
      const ran = at('2025-01-05T09:00:00.000Z');
      expect(nextOccurrence(daily, { from: at('2025-01-05T08:00:00Z'), after: ran })?.toISOString()).toBe(
        '2025-01-06T09:00:00.000Z',
      );
    });

    it('finds the next monthly occurrence from any instant', () => {
      const monthly = rule({ frequency: 'monthly', startAt: at('2025-01-31T09:00:00.000Z') });
      expect(occurrenceAfter(monthly, at('2026-02-10T00:00:00Z'))?.toISOString()).toBe(
        '2026-02-28T09:00:00.000Z',
      );
      expect(occurrenceAfter(monthly, at('2026-02-28T09:00:00Z'))?.toISOString()).toBe(
        '2026-03-31T09:00:00.000Z',
      );
    });

    it('respects endAt: an occurrence exactly at endAt runs, none after it', () => {
      const r = { ...daily, endAt: at('2025-01-03T09:00:00.000Z') };
      expect(occurrenceAfter(r, at('2025-01-02T09:00:00Z'))?.toISOString()).toBe('2025-01-03T09:00:00.000Z');
      expect(occurrenceAfter(r, at('2025-01-03T09:00:00Z'))).toBeNull();
    });

    it('respects maxOccurrences, counted in occurrences that ran', () => {
      const r = { ...daily, maxOccurrences: 3 };
      expect(nextOccurrence(r, { from: at('2025-01-02T10:00:00Z'), occurrencesRun: 2 })?.toISOString()).toBe(
        '2025-01-03T09:00:00.000Z',
      );
      expect(nextOccurrence(r, { from: at('2025-01-02T10:00:00Z'), occurrencesRun: 3 })).toBeNull();
    });
  });

  describe('time zones and instants from requests', () => {
    it.each([
      ['UTC', 'UTC'],
      ['Europe/Paris', 'Europe/Paris'],
      ['america/new_york', 'America/New_York'],
      ['Asia/Kolkata', 'Asia/Kolkata'],
      ['Etc/GMT+5', 'Etc/GMT+5'],
    ])('accepts %s as %s', (input, canonical) => {
      expect(canonicalTimeZone(input)).toBe(canonical);
    });

    it.each(['Mars/Olympus_Mons', '+02:00', '', 'Europe/', 'UTC; DROP TABLE'])('refuses %p', (input) => {
      expect(canonicalTimeZone(input)).toBeNull();
    });

    it('reads an instant with an offset as that instant', () => {
      expect(parseScheduleInstant('2026-01-31T09:00:00+01:00', 'UTC')?.toISOString()).toBe(
        '2026-01-31T08:00:00.000Z',
      );
      expect(parseScheduleInstant('2026-01-31T09:00:00.250Z', 'Asia/Tokyo')?.toISOString()).toBe(
        '2026-01-31T09:00:00.250Z',
      );
    });

    it('reads a time without an offset as wall-clock time in the schedule’s zone', () => {
      expect(parseScheduleInstant('2026-07-01T09:00', 'Europe/Paris')?.toISOString()).toBe(
        '2026-07-01T07:00:00.000Z',
      );
      expect(parseScheduleInstant('2026-07-01', 'Asia/Kolkata')?.toISOString()).toBe(
        '2026-06-30T18:30:00.000Z',
      );
    });

    it.each([
      '2026-02-30T09:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T24:00:00Z',
      'tomorrow',
      '1700000000',
    ])('refuses %p', (input) => {
      expect(parseScheduleInstant(input, 'UTC')).toBeNull();
    });
  });
});
