import {
  applyPreferenceChange,
  DEFAULT_PREFERENCES,
  InvalidNotificationPreferencesError,
  quietUntil,
  SecurityAlertsRequiredError,
} from './preferences';

describe('notification preferences', () => {
  it('changes only what the body names, and keeps the rest', () => {
    const next = applyPreferenceChange(DEFAULT_PREFERENCES, {
      channels: { marketing: { email: true }, transactions: { push: false } },
      locale: 'es',
    });
    expect(next.channels.marketing).toEqual({ in_app: false, email: true, sms: false, push: false });
    expect(next.channels.transactions).toEqual({ in_app: true, email: true, sms: false, push: false });
    expect(next.channels.security).toEqual(DEFAULT_PREFERENCES.channels.security);
    expect(next.locale).toBe('es');
    expect(DEFAULT_PREFERENCES.channels.marketing.email).toBe(false);
  });

  it('keeps security alerts on at least one channel', () => {
    const allOff = { in_app: false, email: false, sms: false, push: false };
    expect(() => applyPreferenceChange(DEFAULT_PREFERENCES, { channels: { security: allOff } })).toThrow(
      SecurityAlertsRequiredError,
    );
    const oneOn = applyPreferenceChange(DEFAULT_PREFERENCES, {
      channels: { security: { ...allOff, push: true } },
    });
    expect(oneOn.channels.security.push).toBe(true);
  });

  it.each([
    ['not an object', []],
    ['unknown field', { sound: true }],
    ['unknown category', { channels: { gossip: { email: true } } }],
    ['unknown channel', { channels: { marketing: { pigeon: true } } }],
    ['switch not boolean', { channels: { marketing: { email: 1 } } }],
    ['time not HH:MM', { quietHours: { start: '7:00', end: '08:00', timeZone: 'UTC' } }],
    ['same start and end', { quietHours: { start: '08:00', end: '08:00', timeZone: 'UTC' } }],
    ['offset, not a zone', { quietHours: { start: '22:00', end: '07:00', timeZone: '+02:00' } }],
    ['unknown locale', { locale: 'fr' }],
  ])('refuses %s', (_what, body) => {
    expect(() => applyPreferenceChange(DEFAULT_PREFERENCES, body)).toThrow(
      InvalidNotificationPreferencesError,
    );
  });

  it('quiet hours that wrap midnight hold back until their end, in the user’s zone', () => {
    const quiet = { start: '22:00', end: '07:00', timeZone: 'Europe/Paris' };
    // 23:30 in Paris (UTC+1 in January): until 07:00 Paris, 06:00 UTC.
    expect(quietUntil(quiet, new Date('2026-01-15T22:30:00Z'))?.toISOString()).toBe(
      '2026-01-16T06:00:00.000Z',
    );
    // 06:59:30 in Paris: half a minute left.
    expect(quietUntil(quiet, new Date('2026-01-16T05:59:30Z'))?.toISOString()).toBe(
      '2026-01-16T06:00:00.000Z',
    );
    // 07:00 and 21:59 in Paris: outside.
    expect(quietUntil(quiet, new Date('2026-01-16T06:00:00Z'))).toBeNull();
    expect(quietUntil(quiet, new Date('2026-01-16T20:59:00Z'))).toBeNull();
    expect(quietUntil(null, new Date())).toBeNull();
  });

  it('a daytime window does not wrap', () => {
    const quiet = { start: '12:00', end: '14:00', timeZone: 'UTC' };
    expect(quietUntil(quiet, new Date('2026-03-01T12:00:00Z'))?.toISOString()).toBe(
      '2026-03-01T14:00:00.000Z',
    );
    expect(quietUntil(quiet, new Date('2026-03-01T11:59:59Z'))).toBeNull();
    expect(quietUntil(quiet, new Date('2026-03-01T14:00:00Z'))).toBeNull();
  });
});
