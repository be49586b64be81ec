import { DataSource } from 'typeorm';
import { registerAdmin, type Admin } from './support/admin';
import {
  advanceClock,
  bearer,
  enableTwoFactor,
  expectEnvelope,
  serverNow,
  totpAt,
  wrongTotp,
} from './support/security';
import { newUser, startTestApp, type TestApp } from './support/test-app';

/**
 * Two-factor authentication with an authenticator app (TOTP, RFC 6238) and recovery codes. Codes are computed
 * with otplib from the secret the setup route returns, at the server's application clock (the sandbox clock,
 * which the test moves a minute on when it needs fresh time steps).
 */
describe('2FA: setup, verify, sign-in challenge, recovery codes, replays and locks', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await registerAdmin(t);
  });
  afterAll(() => t.close());

  async function register() {
    const user = newUser('mfa');
    const response = await t.http().post('/api/auth/register').send(user).expect(201);
    return { ...user, token: response.body.accessToken as string, userId: response.body.user.id as string };
  }

  const logIn = (user: { email: string; password: string }) =>
    t.http().post('/api/auth/login').send({ email: user.email, password: user.password }).expect(200);
  const challenge = (mfaToken: string, proof: { code?: string; recoveryCode?: string }) =>
    t
      .http()
      .post('/api/auth/2fa/challenge')
      .send({ mfaToken, ...proof });

  it('setup → verify → the sign-in asks for a code → the code completes it → a recovery code works once', async () => {
    const user = await register();
    const setup = await t.http().post('/api/auth/2fa/setup').set(bearer(user)).expect(200);
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauthUri).toBe(
      `otpauth://totp/Monay%20Wallet:${encodeURIComponent(user.email)}?secret=${setup.body.secret}&issuer=Monay%20Wallet`,
    );
    expect(setup.body.qrCode).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(setup.body.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    // Not in force before it is confirmed: the password alone still signs in.
    expect((await logIn(user)).body.accessToken).toEqual(expect.any(String));

    // The secret is stored encrypted, never in clear.
    const [stored] = (await t.app
      .get(DataSource)
      .query(`SELECT secret_ciphertext FROM user_totp WHERE user_id = $1`, [user.userId])) as Array<{
      secret_ciphertext: string;
    }>;
    expect(stored.secret_ciphertext).not.toContain(setup.body.secret);
    expect(stored.secret_ciphertext).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);

    const now = await serverNow(t, admin);
    const verified = await t
      .http()
      .post('/api/auth/2fa/verify')
      .set(bearer(user))
      .send({ code: await totpAt(setup.body.secret, now) })
      .expect(200);
    const recoveryCodes = verified.body.recoveryCodes as string[];
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    const me = await t.http().get('/api/auth/me').set(bearer(user)).expect(200);
    expect(me.body.user.security.twoFactorEnabled).toBe(true);
    const twice = await t.http().post('/api/auth/2fa/setup').set(bearer(user)).expect(409);
    expectEnvelope(twice.body, 'TWO_FACTOR_ALREADY_ENABLED');

    // The password alone no longer signs in: 200 with a challenge and no token.
    const login = await logIn(user);
    expect(login.body).toEqual({
      success: true,
      mfaRequired: true,
      mfaToken: expect.any(String),
      methods: ['totp', 'recovery_code'],
      expiresAt: expect.any(String),
    });
    expect(login.body.accessToken).toBeUndefined();

    // The code that enabled 2FA was used: replaying it is refused.
    const replay = await challenge(login.body.mfaToken, {
      code: await totpAt(setup.body.secret, now),
    }).expect(401);
    expectEnvelope(replay.body, 'INVALID_TWO_FACTOR_CODE');
    // The next time step's code (±1 step of drift allowed) completes the sign-in.
    const next = await totpAt(setup.body.secret, new Date(now.getTime() + 30_000));
    const session = await challenge(login.body.mfaToken, { code: next }).expect(200);
    expect(session.body).toMatchObject({ success: true, user: { id: user.userId }, tokenType: 'Bearer' });
    await t
      .http()
      .get('/api/auth/me')
      .set(bearer({ token: session.body.accessToken }))
      .expect(200);
    // The challenge is spent.
    const spent = await challenge(login.body.mfaToken, { code: next }).expect(401);
    expectEnvelope(spent.body, 'MFA_CHALLENGE_INVALID');

    // A replayed TOTP code is refused on a new sign-in too.
    const second = await logIn(user);
    const replayed = await challenge(second.body.mfaToken, { code: next }).expect(401);
    expectEnvelope(replayed.body, 'INVALID_TWO_FACTOR_CODE');

    // A recovery code signs in once (any case, with or without its dash), then never again.
    const byRecovery = await challenge(second.body.mfaToken, {
      recoveryCode: recoveryCodes[0].toUpperCase().replace('-', ''),
    }).expect(200);
    expect(byRecovery.body.accessToken).toEqual(expect.any(String));
    const third = await logIn(user);
    const reused = await challenge(third.body.mfaToken, { recoveryCode: recoveryCodes[0] }).expect(401);
    expectEnvelope(reused.body, 'INVALID_TWO_FACTOR_CODE');
    await challenge(third.body.mfaToken, { recoveryCode: recoveryCodes[1] }).expect(200);

    const events = await t.http().get('/api/auth/security-events').set(bearer(user)).expect(200);
    const kinds = events.body.events.map((e: { kind: string; outcome: string }) => `${e.kind}:${e.outcome}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        '2fa_enabled:success',
        'new_sign_in:success',
        'recovery_code_used:success',
        'sign_in_failed:failure',
      ]),
    );
    const recoveryEvent = events.body.events.find((e: { kind: string }) => e.kind === 'recovery_code_used');
    expect(recoveryEvent.details).toEqual({ remaining: 8 });
  });

  it('locks a sign-in challenge after 5 wrong codes: even an unused recovery code is refused then', async () => {
    const user = await register();
    const now = await serverNow(t, admin);
    const { secret, recoveryCodes } = await enableTwoFactor(t, user, now);
    const login = await logIn(user);
    const wrong = await wrongTotp(secret, now);
    for (const attemptsLeft of [4, 3, 2, 1, 0]) {
      const refused = await challenge(login.body.mfaToken, { code: wrong }).expect(401);
      expectEnvelope(refused.body, 'INVALID_TWO_FACTOR_CODE');
      expect(refused.body.error.details).toMatchObject({ attemptsLeft });
    }
    const locked = await challenge(login.body.mfaToken, { recoveryCode: recoveryCodes[0] }).expect(401);
    expectEnvelope(locked.body, 'MFA_CHALLENGE_LOCKED');
    // The lock is the challenge's: a new sign-in, and the recovery code the locked one refused, work.
    const fresh = await logIn(user);
    await challenge(fresh.body.mfaToken, { recoveryCode: recoveryCodes[0] }).expect(200);
  });

  it('expires a challenge after 5 minutes of the application clock', async () => {
    const user = await register();
    const now = await serverNow(t, admin);
    const { recoveryCodes } = await enableTwoFactor(t, user, now);
    const login = await logIn(user);
    await advanceClock(t, admin, 6);
    const expired = await challenge(login.body.mfaToken, { recoveryCode: recoveryCodes[0] }).expect(401);
    expectEnvelope(expired.body, 'MFA_CHALLENGE_INVALID');
  });

  it('disables 2FA with the password and a fresh code; the password alone signs in again', async () => {
    const user = await register();
    const now = await serverNow(t, admin);
    const { secret } = await enableTwoFactor(t, user, now);
    await advanceClock(t, admin, 1);
    const later = await serverNow(t, admin);
    const code = await totpAt(secret, later);

    const badPassword = await t
      .http()
      .post('/api/auth/2fa/disable')
      .set(bearer(user))
      .send({ code, password: 'not-the-password' })
      .expect(401);
    expectEnvelope(badPassword.body, 'INVALID_PASSWORD');
    const badCode = await t
      .http()
      .post('/api/auth/2fa/disable')
      .set(bearer(user))
      .send({ code: await wrongTotp(secret, later), password: user.password })
      .expect(401);
    expectEnvelope(badCode.body, 'INVALID_TWO_FACTOR_CODE');
    await t
      .http()
      .post('/api/auth/2fa/disable')
      .set(bearer(user))
      .send({ code, password: user.password })
      .expect(200);
    expect((await logIn(user)).body.accessToken).toEqual(expect.any(String));
    const off = await t
      .http()
      .post('/api/auth/2fa/disable')
      .set(bearer(user))
      .send({ code, password: user.password })
      .expect(409);
    expectEnvelope(off.body, 'TWO_FACTOR_NOT_ENABLED');

    const events = await t.http().get('/api/auth/security-events').set(bearer(user)).expect(200);
    expect(events.body.events[0]).toMatchObject({ kind: 'new_sign_in' });
    expect(events.body.events.map((e: { kind: string }) => e.kind)).toContain('2fa_disabled');
  });

  it('audits sign-in failures and 2FA changes for admins, with request id, IP and user agent', async () => {
    const user = await register();
    await t
      .http()
      .post('/api/auth/login')
      .set('User-Agent', 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0')
      .set('X-Request-Id', 'audit-me-1')
      .send({ email: user.email, password: 'wrong-password-1' })
      .expect(401);
    const now = await serverNow(t, admin);
    await enableTwoFactor(t, user, now);
    const audit = await t
      .http()
      .get('/api/admin/audit')
      .query({ user: user.userId })
      .set('Authorization', admin.Authorization)
      .expect(200);
    const entries = audit.body.entries as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.action)).toEqual(['2fa_enabled', 'sign_in_failed', 'registered']);
    expect(entries[1]).toMatchObject({
      outcome: 'failure',
      requestId: 'audit-me-1',
      ip: expect.any(String),
      userAgent: expect.stringContaining('Firefox'),
    });
    const forbidden = await t.http().get('/api/admin/audit').set(bearer(user)).expect(403);
    expectEnvelope(forbidden.body, 'FORBIDDEN');
  });

  it('answers bad input with a 4xx in the envelope', async () => {
    const user = await register();
    const notSetUp = await t
      .http()
      .post('/api/auth/2fa/verify')
      .set(bearer(user))
      .send({ code: '123456' })
      .expect(409);
    expectEnvelope(notSetUp.body, 'TWO_FACTOR_NOT_SET_UP');
    const setup = await t.http().post('/api/auth/2fa/setup').set(bearer(user)).expect(200);
    const now = await serverNow(t, admin);
    const wrong = await t
      .http()
      .post('/api/auth/2fa/verify')
      .set(bearer(user))
      .send({ code: await wrongTotp(setup.body.secret, now) })
      .expect(401);
    expectEnvelope(wrong.body, 'INVALID_TWO_FACTOR_CODE');
    const cases: Array<[string, object, number, string]> = [
      ['verify: 5 digits', { code: '12345' }, 400, 'VALIDATION_FAILED'],
      ['verify: no code', {}, 400, 'VALIDATION_FAILED'],
    ];
    for (const [name, body, status, code] of cases) {
      const response = await t.http().post('/api/auth/2fa/verify').set(bearer(user)).send(body);
      expect([name, response.status, response.body.error?.code]).toEqual([name, status, code]);
    }
    const challenges: Array<[string, object, number, string]> = [
      ['no token', { code: '123456' }, 400, 'VALIDATION_FAILED'],
      ['a malformed token', { mfaToken: 'short', code: '123456' }, 400, 'VALIDATION_FAILED'],
      ['neither code', { mfaToken: 'a'.repeat(43) }, 400, 'VALIDATION_FAILED'],
      [
        'both codes',
        { mfaToken: 'a'.repeat(43), code: '123456', recoveryCode: 'abcde-fghjk' },
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a malformed recovery code',
        { mfaToken: 'a'.repeat(43), recoveryCode: 'abc' },
        400,
        'VALIDATION_FAILED',
      ],
      ['an unknown token', { mfaToken: 'a'.repeat(43), code: '123456' }, 401, 'MFA_CHALLENGE_INVALID'],
    ];
    for (const [name, body, status, code] of challenges) {
      const response = await t.http().post('/api/auth/2fa/challenge').send(body);
      expect([name, response.status, response.body.error?.code]).toEqual([name, status, code]);
      expectEnvelope(response.body, code);
    }
    const disable = await t
      .http()
      .post('/api/auth/2fa/disable')
      .set(bearer(user))
      .send({ code: '123456' })
      .expect(400);
    expectEnvelope(disable.body, 'VALIDATION_FAILED');
  });
});

describe('2FA: tries are limited per account, across challenges', () => {
  let t: TestApp;

  beforeAll(async () => {
    // AUTH_THROTTLE_LIMIT second-factor tries per THROTTLE_TTL_SECONDS per account.
    t = await startTestApp({ AUTH_THROTTLE_LIMIT: '4' });
  });
  afterAll(() => t.close());

  it('answers 429 RATE_LIMITED with Retry-After once the account used its budget, whatever the challenge', async () => {
    const user = newUser('mfa-budget');
    const registered = await t.http().post('/api/auth/register').send(user).expect(201);
    const { secret } = await enableTwoFactor(t, { token: registered.body.accessToken }, new Date()); // 1 try
    const wrong = await wrongTotp(secret, new Date());
    const first = await t.http().post('/api/auth/login').send(user).expect(200);
    await t
      .http()
      .post('/api/auth/2fa/challenge')
      .send({ mfaToken: first.body.mfaToken, code: wrong })
      .expect(401); // 2
    const second = await t.http().post('/api/auth/login').send(user).expect(200);
    await t
      .http()
      .post('/api/auth/2fa/challenge')
      .send({ mfaToken: second.body.mfaToken, code: wrong })
      .expect(401); // 3
    await t
      .http()
      .post('/api/auth/2fa/challenge')
      .send({ mfaToken: second.body.mfaToken, code: wrong })
      .expect(401); // 4
    const limited = await t
      .http()
      .post('/api/auth/2fa/challenge')
      .send({ mfaToken: first.body.mfaToken, code: wrong })
      .expect(429);
    expectEnvelope(limited.body, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
