/**
 * IANA time zones, with the runtime's `Intl` as the time zone database: pure functions, no I/O. A user's days
 * (analytics) and a schedule's wall-clock times (recurring transfers) are read in their zone.
 */

const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * The IANA time zone as the client named it, in its usual letter case ("europe/paris" → "Europe/Paris"), or
 * null when the runtime does not know it. The client's spelling is kept otherwise: ICU would turn
 * "Asia/Kolkata" into its legacy alias "Asia/Calcutta". Offsets such as "+02:00" are refused: they do not
 * follow daylight-saving rules.
 */
export function canonicalTimeZone(timezone: string): string | null {
  if (typeof timezone !== 'string' || timezone.length > 64 || !IANA_NAME.test(timezone)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const lower = timezone.toLowerCase();
  if (resolved.toLowerCase() === lower) return resolved;
  return Intl.supportedValuesOf('timeZone').find((name) => name.toLowerCase() === lower) ?? timezone;
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timezone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timezone);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD.
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(timezone, format);
  }
  return format;
}

/** The calendar day ("2026-01-31") a wall clock in `timezone` shows at `instant`. */
export function localDate(instant: Date, timezone: string): string {
  const parts: Record<string, string> = {};
  for (const part of dayFormat(timezone).formatToParts(instant)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * `instant` as an ISO 8601 date-time in `timezone`, with the zone's offset at that instant
 * ("2026-01-31T19:30:00-05:00"), to the second.
 */
export function zonedDateTime(instant: Date, timezone: string): string {
  let format = offsetFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    offsetFormats.set(timezone, format);
  }
  const p: Record<string, string> = {};
  for (const part of format.formatToParts(instant)) p[part.type] = part.value;
  const wallMs = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  const offsetMinutes = Math.round((wallMs - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  const offset =
    offsetMinutes === 0
      ? 'Z'
      : `${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}
