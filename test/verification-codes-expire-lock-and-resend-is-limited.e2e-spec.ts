import { registerAdmin, type Admin } from './support/admin';
import { advanceClock, bearer, expectEnvelope, latestCode, latestMessage, mailbox } from './support/security';
import { newUser, startTestApp, type TestApp } from './support/test-app';

/**
 * Email and phone verification by one-time codes: 6 digits, sent through the VerificationSender port (here the
 * development adapter: the log and the dev mailbox, read over HTTP), 10 minutes by the application clock, 5 tries,
 * resend limited (429 with Retry-After).
 */
describe('verification codes: 6 digits, 10 minutes, 5 tries, resend limited', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await registerAdmin(t);
  });
  afterAll(() => t.close());

  async function register(phone?: string) {
    const user = newUser('verify');
    const response = await t
      .http()
      .post('/api/auth/register')
      .send({ ...user, ...(phone && { phone }) })
      .expect(201);
    return { ...user, token: response.body.accessToken as string, userId: response.body.user.id as string };
  }

  const profile = async (user: { token: string }) =>
    (await t.http().get('/api/auth/me').set(bearer(user)).expect(200)).body.user;

  it('sends a 6-digit code and an app link to the email; the code verifies it once', async () => {
    const user = await register();
    const sent = await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(202);
    expect(sent.body).toMatchObject({ success: true, channel: 'email', sentTo: 'v***@e***.com' });
    const message = await latestMessage(t, user.email, 'email_verification');
    expect(message.channel).toBe('email');
    expect(message.meta.code).toMatch(/^\d{6}$/);
    expect(message.text).toContain(message.meta.code);
    expect(message.text).toContain(`monay://verify-email?token=${message.meta.linkToken}`);
    // Ten minutes from now, by the application clock.
    const ttl = new Date(sent.body.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 5_000);

    const verified = await t
      .http()
      .post('/api/auth/email/verify')
      .set(bearer(user))
      .send({ code: message.meta.code })
      .expect(200);
    expect(verified.body).toMatchObject({ success: true, emailVerified: true });
    expect((await profile(user)).security).toMatchObject({ emailVerified: true });
    const again = await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(409);
    expectEnvelope(again.body, 'EMAIL_ALREADY_VERIFIED');
  });

  it('verifies with the link token instead of the code', async () => {
    const user = await register();
    await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(202);
    const message = await latestMessage(t, user.email, 'email_verification');
    await t
      .http()
      .post('/api/auth/email/verify')
      .set(bearer(user))
      .send({ token: message.meta.linkToken })
      .expect(200);
    expect((await profile(user)).security.emailVerified).toBe(true);
  });

  it('counts wrong codes down and closes the code on the fifth: then even the right code is refused', async () => {
    const user = await register();
    await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(202);
    const code = await latestCode(t, user.email, 'email_verification');
    const wrong = code === '000000' ? '111111' : '000000';
    for (const attemptsLeft of [4, 3, 2, 1, 0]) {
      const refused = await t
        .http()
        .post('/api/auth/email/verify')
        .set(bearer(user))
        .send({ code: wrong })
        .expect(400);
      expectEnvelope(refused.body, 'INVALID_VERIFICATION_CODE');
      expect(refused.body.error.details).toMatchObject({ attemptsLeft });
    }
    const locked = await t.http().post('/api/auth/email/verify').set(bearer(user)).send({ code }).expect(400);
    expectEnvelope(locked.body, 'VERIFICATION_CODE_LOCKED');
    expect((await profile(user)).security.emailVerified).toBe(false);
  });

  it('refuses a code once 10 minutes have passed on the application clock', async () => {
    const user = await register();
    await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(202);
    const code = await latestCode(t, user.email, 'email_verification');
    await advanceClock(t, admin, 9);
    // Still good after 9 minutes (a wrong code counts, the right one would pass)...
    const early = await t
      .http()
      .post('/api/auth/email/verify')
      .set(bearer(user))
      .send({ code: code === '123456' ? '654321' : '123456' })
      .expect(400);
    expectEnvelope(early.body, 'INVALID_VERIFICATION_CODE');
    await advanceClock(t, admin, 2);
    const late = await t.http().post('/api/auth/email/verify').set(bearer(user)).send({ code }).expect(400);
    expectEnvelope(late.body, 'VERIFICATION_CODE_EXPIRED');
    expect((await profile(user)).security.emailVerified).toBe(false);
  });

  it('limits resends: a second request within the minute is 429 with Retry-After, and a new code replaces the old', async () => {
    const user = await register();
    await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(202);
    const first = await latestCode(t, user.email, 'email_verification');
    const refused = await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(429);
    expectEnvelope(refused.body, 'RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Only one code went out.
    expect(
      (await mailbox(t, user.email)).filter((m) => m.meta.purpose === 'email_verification'),
    ).toHaveLength(1);
    await t.http().post('/api/auth/email/verify').set(bearer(user)).send({ code: first }).expect(200);
  });

  it('verifies the phone by SMS, and a new number becomes the account’s once verified', async () => {
    const user = await register('+1 415 555 0199');
    const sent = await t.http().post('/api/auth/phone/verify-request').set(bearer(user)).send({}).expect(202);
    expect(sent.body).toMatchObject({ channel: 'sms', sentTo: '+1 *** *** 0199' });
    const sms = await latestMessage(t, '+14155550199', 'phone_verification');
    expect(sms.channel).toBe('sms');
    const verified = await t
      .http()
      .post('/api/auth/phone/verify')
      .set(bearer(user))
      .send({ code: sms.meta.code })
      .expect(200);
    expect(verified.body).toMatchObject({ phoneVerified: true, phone: '+14155550199' });
    const again = await t
      .http()
      .post('/api/auth/phone/verify-request')
      .set(bearer(user))
      .send({})
      .expect(409);
    expectEnvelope(again.body, 'PHONE_ALREADY_VERIFIED');

    const noPhone = await register();
    const missing = await t
      .http()
      .post('/api/auth/phone/verify-request')
      .set(bearer(noPhone))
      .send({})
      .expect(400);
    expectEnvelope(missing.body, 'PHONE_NUMBER_REQUIRED');
    await t
      .http()
      .post('/api/auth/phone/verify-request')
      .set(bearer(noPhone))
      .send({ phone: '+44 20 7946 0123' })
      .expect(202);
    const code = await latestCode(t, '+442079460123', 'phone_verification');
    await t.http().post('/api/auth/phone/verify').set(bearer(noPhone)).send({ code }).expect(200);
    expect(await profile(noPhone)).toMatchObject({
      phone: '+442079460123',
      security: { phoneVerified: true },
    });
  });

  it('records each verification as the user’s security event', async () => {
    const user = await register();
    await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(202);
    const code = await latestCode(t, user.email, 'email_verification');
    await t
      .http()
      .post('/api/auth/email/verify')
      .set(bearer(user))
      .send({ code: code === '999999' ? '999998' : '999999' })
      .expect(400);
    await t.http().post('/api/auth/email/verify').set(bearer(user)).send({ code }).expect(200);
    const events = await t.http().get('/api/auth/security-events').set(bearer(user)).expect(200);
    expect(
      events.body.events.map((e: { kind: string; outcome: string }) => `${e.kind}:${e.outcome}`),
    ).toEqual(['email_verified:success']);
  });

  it.each([
    ['no code', {}],
    ['both code and token', { code: '123456', token: 'a'.repeat(43) }],
    ['a 5-digit code', { code: '12345' }],
    ['a code with letters', { code: '12a456' }],
    ['a numeric code', { code: 123456 }],
    ['an unknown field', { code: '123456', admin: true }],
  ])('answers %s with 400 VALIDATION_FAILED in the envelope', async (_case, body) => {
    const user = await register();
    const response = await t.http().post('/api/auth/email/verify').set(bearer(user)).send(body).expect(400);
    expectEnvelope(response.body, 'VALIDATION_FAILED');
  });

  it('answers a verify with nothing requested 409, an unknown link token 400, and no token 401', async () => {
    const user = await register();
    const none = await t
      .http()
      .post('/api/auth/email/verify')
      .set(bearer(user))
      .send({ code: '123456' })
      .expect(409);
    expectEnvelope(none.body, 'VERIFICATION_NOT_REQUESTED');
    const link = await t
      .http()
      .post('/api/auth/email/verify')
      .set(bearer(user))
      .send({ token: 'x'.repeat(43) })
      .expect(400);
    expectEnvelope(link.body, 'INVALID_VERIFICATION_CODE');
    const anonymous = await t.http().post('/api/auth/email/verify-request').expect(401);
    expectEnvelope(anonymous.body, 'INVALID_TOKEN');
    const badPhone = await t
      .http()
      .post('/api/auth/phone/verify-request')
      .set(bearer(user))
      .send({ phone: 'call me' })
      .expect(400);
    expectEnvelope(badPhone.body, 'VALIDATION_FAILED');
  });

  it('serves the dev mailbox without a token, and refuses a malformed query', async () => {
    const missing = await t.http().get('/api/dev/mailbox').expect(400);
    expectEnvelope(missing.body, 'VALIDATION_FAILED');
    const empty = await t.http().get('/api/dev/mailbox').query({ to: 'nobody@example.com' }).expect(200);
    expect(empty.body).toEqual({ success: true, messages: [] });
  });
});
