import { canonicalTimeZone, DomainError } from '#monay/kernel';
import {
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_CHANNELS,
  LOCALES,
  type Locale,
  type NotificationCategory,
  type NotificationChannel,
} from './notification-kinds';

export type ChannelSwitches = Record<NotificationChannel, boolean>;
export type ChannelMatrix = Record<NotificationCategory, ChannelSwitches>;

/** A daily window in the user's time zone during which non-critical notifications wait ("22:00"–"07:00"). */
export interface QuietHours {
  start: string;
  end: string;
  timeZone: string;
}

export interface NotificationPreferences {
  channels: ChannelMatrix;
  quietHours: QuietHours | null;
  locale: Locale;
}

/** Marketing is off until the user opts in; security alerts go everywhere. */
export const DEFAULT_CHANNELS: ChannelMatrix = {
  transactions: { in_app: true, email: true, sms: false, push: true },
  security: { in_app: true, email: true, sms: true, push: true },
  marketing: { in_app: false, email: false, sms: false, push: false },
  product_updates: { in_app: true, email: true, sms: false, push: false },
  reminders: { in_app: true, email: false, sms: false, push: true },
  rewards: { in_app: true, email: false, sms: false, push: true },
};

export const DEFAULT_PREFERENCES: NotificationPreferences = {
  channels: DEFAULT_CHANNELS,
  quietHours: null,
  locale: 'en',
};

/** The request body was not a valid preferences change (which field, and why, in `details`). */
export class InvalidNotificationPreferencesError extends DomainError {
  readonly code = 'INVALID_NOTIFICATION_PREFERENCES';
  readonly kind = 'invalid';
  constructor(field: string, why: string) {
    super(`${field} ${why}`, { field });
  }
}

/** Security alerts must stay on for at least one channel: a change that turns every one off is refused. */
export class SecurityAlertsRequiredError extends DomainError {
  readonly code = 'SECURITY_ALERTS_REQUIRED';
  readonly kind = 'invalid';
  constructor() {
    super(
      'Security alerts cannot be turned off on every channel: keep at least one of in_app, email, sms, push',
    );
  }
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The stored (possibly partial, possibly old) matrix completed with the defaults. */
export function withDefaults(
  stored: Partial<Record<string, Partial<Record<string, boolean>>>>,
): ChannelMatrix {
  const matrix = {} as ChannelMatrix;
  for (const category of NOTIFICATION_CATEGORIES) {
    matrix[category] = { ...DEFAULT_CHANNELS[category] };
    for (const channel of NOTIFICATION_CHANNELS) {
      const value = stored[category]?.[channel];
      if (typeof value === 'boolean') matrix[category][channel] = value;
    }
  }
  return matrix;
}

/**
 * Applies a PUT body (any JSON) to the current preferences: unknown categories, channels or fields, non-boolean
 * switches, malformed quiet hours and unknown locales are refused; security must keep one channel.
 */
export function applyPreferenceChange(
  current: NotificationPreferences,
  body: unknown,
): NotificationPreferences {
  if (!isObject(body)) throw new InvalidNotificationPreferencesError('body', 'must be an object');
  for (const key of Object.keys(body)) {
    if (!['channels', 'quietHours', 'locale'].includes(key)) {
      throw new InvalidNotificationPreferencesError(
        key,
        'is not a preference (channels, quietHours, locale)',
      );
    }
  }
  const next: NotificationPreferences = {
    channels: withDefaults(current.channels),
    quietHours: current.quietHours,
    locale: current.locale,
  };
  if (body.channels !== undefined) {
    if (!isObject(body.channels))
      throw new InvalidNotificationPreferencesError('channels', 'must be an object');
    for (const [category, switches] of Object.entries(body.channels)) {
      if (!(NOTIFICATION_CATEGORIES as readonly string[]).includes(category)) {
        throw new InvalidNotificationPreferencesError(
          `channels.${category}`,
          `is not a category (${NOTIFICATION_CATEGORIES.join(', ')})`,
        );
      }
      if (!isObject(switches)) {
        throw new InvalidNotificationPreferencesError(`channels.${category}`, 'must be an object');
      }
      for (const [channel, on] of Object.entries(switches)) {
        if (!(NOTIFICATION_CHANNELS as readonly string[]).includes(channel)) {
          throw new InvalidNotificationPreferencesError(
            `channels.${category}.${channel}`,
            `is not a channel (${NOTIFICATION_CHANNELS.join(', ')})`,
          );
        }
        if (typeof on !== 'boolean') {
          throw new InvalidNotificationPreferencesError(
            `channels.${category}.${channel}`,
            'must be true or false',
          );
        }
        next.channels[category as NotificationCategory][channel as NotificationChannel] = on;
      }
    }
  }
  if (body.quietHours !== undefined) next.quietHours = parseQuietHours(body.quietHours);
  if (body.locale !== undefined) {
    if (typeof body.locale !== 'string' || !(LOCALES as readonly string[]).includes(body.locale)) {
      throw new InvalidNotificationPreferencesError('locale', `must be one of ${LOCALES.join(', ')}`);
    }
    next.locale = body.locale as Locale;
  }
  if (!Object.values(next.channels.security).some(Boolean)) throw new SecurityAlertsRequiredError();
  return next;
}

function parseQuietHours(value: unknown): QuietHours | null {
  if (value === null) return null;
  if (!isObject(value))
    throw new InvalidNotificationPreferencesError('quietHours', 'must be an object or null');
  const { start, end, timeZone } = value;
  for (const [name, time] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (typeof time !== 'string' || !TIME.test(time)) {
      throw new InvalidNotificationPreferencesError(`quietHours.${name}`, 'must be a time such as "22:00"');
    }
  }
  if (start === end) throw new InvalidNotificationPreferencesError('quietHours', 'start and end must differ');
  const zone = typeof timeZone === 'string' ? canonicalTimeZone(timeZone) : null;
  if (!zone) {
    throw new InvalidNotificationPreferencesError(
      'quietHours.timeZone',
      'must be an IANA time zone such as "Europe/Paris"',
    );
  }
  return { start: start as string, end: end as string, timeZone: zone };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * When quiet hours hold a notification back: the end of the window `now` falls in, or null when `now` is outside
 * it. Wall-clock minutes in the user's zone; across a daylight-saving change the end may be an hour off.
 */
export function quietUntil(quietHours: QuietHours | null, now: Date): Date | null {
  if (!quietHours) return null;
  const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: quietHours.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  const local = hour * 60 + minute;
  const inside = start < end ? local >= start && local < end : local >= start || local < end;
  if (!inside) return null;
  const wait = (end - local + 24 * 60) % (24 * 60);
  const until = new Date(now.getTime() + wait * 60_000);
  until.setUTCSeconds(0, 0);
  return until;
}
