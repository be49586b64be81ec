import { canonicalTimeZone, localDate, zonedDateTime } from './time-zone';

describe('time zones', () => {
  it('knows IANA zones in their usual spelling and refuses offsets and unknown names', () => {
    expect(canonicalTimeZone('europe/paris')).toBe('Europe/Paris');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Asia/Kolkata')).toBe('Asia/Kolkata');
    for (const bad of ['+02:00', 'GMT+2 ', 'Mars/Olympus', '', 'Europe/Paris; DROP TABLE', 'a'.repeat(80)]) {
      expect([bad, canonicalTimeZone(bad)]).toEqual([bad, null]);
    }
  });

  it('reads the local day of an instant: the same instant is two days in two zones', () => {
    const instant = new Date('2026-02-01T03:00:00Z');
    expect(localDate(instant, 'UTC')).toBe('2026-02-01');
    expect(localDate(instant, 'America/New_York')).toBe('2026-01-31');
    expect(localDate(new Date('2026-03-31T23:00:00Z'), 'Asia/Tokyo')).toBe('2026-04-01');
    // Across a daylight-saving change (New York springs forward on 2026-03-08).
    expect(localDate(new Date('2026-03-08T04:59:59Z'), 'America/New_York')).toBe('2026-03-07');
    expect(localDate(new Date('2026-03-09T03:59:59Z'), 'America/New_York')).toBe('2026-03-08');
  });

  it('writes a local date-time with the offset of its moment', () => {
    expect(zonedDateTime(new Date('2026-01-15T15:00:00Z'), 'America/New_York')).toBe(
      '2026-01-15T10:00:00-05:00',
    );
    expect(zonedDateTime(new Date('2026-07-15T15:00:00Z'), 'America/New_York')).toBe(
      '2026-07-15T11:00:00-04:00',
    );
    expect(zonedDateTime(new Date('2026-01-15T15:00:00.999Z'), 'Asia/Kolkata')).toBe(
      '2026-01-15T20:30:00+05:30',
    );
    expect(zonedDateTime(new Date('2026-01-15T15:00:00Z'), 'UTC')).toBe('2026-01-15T15:00:00Z');
  });
});
