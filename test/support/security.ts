import { generate } from 'otplib';
import type { Admin } from './admin';
import type { TestApp } from './test-app';
import { waitFor } from './wait';

export interface MailboxMessage {
  channel: 'email' | 'sms';
  to: string;
  subject?: string;
  text: string;
  meta: { purpose?: string; code?: string; linkToken?: string; expiresAt?: string };
  createdAt: string;
}

/** What the dev mailbox (`GET /api/dev/mailbox?to=`, no token) holds for an email address or phone, newest first. */
export async function mailbox(t: TestApp, to: string): Promise<MailboxMessage[]> {
  const response = await t.http().get('/api/dev/mailbox').query({ to }).expect(200);
  return response.body.messages as MailboxMessage[];
}

/** The newest message of `purpose` sent to `to` (waiting for it: some are sent after the answer). */
export function latestMessage(t: TestApp, to: string, purpose: string, after = 0): Promise<MailboxMessage> {
  return waitFor(`a ${purpose} message to ${to}`, async () => {
    const messages = await mailbox(t, to);
    const found = messages.filter((m) => m.meta.purpose === purpose);
    return found.length > after ? found[0] : undefined;
  });
}

/** The newest code of `purpose` sent to `to`. */
export async function latestCode(t: TestApp, to: string, purpose: string, after = 0): Promise<string> {
  const message = await latestMessage(t, to, purpose, after);
  return message.meta.code as string;
}

/** The application clock as the server reads it (the sandbox clock may be ahead of ours). */
export async function serverNow(t: TestApp, admin: Admin): Promise<Date> {
  const response = await t
    .http()
    .get('/api/admin/sandbox/clock')
    .set('Authorization', admin.Authorization)
    .expect(200);
  return new Date(response.body.now as string);
}

/** Moves the sandbox clock ahead (an admin route: it runs what fell due, too). */
export async function advanceClock(t: TestApp, admin: Admin, minutes: number): Promise<void> {
  await t
    .http()
    .post('/api/admin/sandbox/clock/advance')
    .set('Authorization', admin.Authorization)
    .send({ minutes })
    .expect(200);
}

/** The authenticator app's code for `secret` at `at` (RFC 6238: 30 s, 6 digits), as otplib computes it. */
export function totpAt(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

/** A 6-digit code that is none of `secret`'s codes around `at` (±1 step): surely wrong. */
export async function wrongTotp(secret: string, at: Date): Promise<string> {
  const valid = new Set(
    await Promise.all([-30_000, 0, 30_000].map((shift) => totpAt(secret, new Date(at.getTime() + shift)))),
  );
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

/** A user of the app with a password, signed in. */
export interface SignedIn {
  email: string;
  password: string;
  userId: string;
  token: string;
  refreshToken: string;
}

export function bearer(user: { token: string }): { Authorization: string } {
  return { Authorization: `Bearer ${user.token}` };
}

/** Signs in (a user without 2FA), as a device with this User-Agent. */
export async function logIn(
  t: TestApp,
  user: { email: string; password: string },
  userAgent = 'supertest',
): Promise<SignedIn> {
  const response = await t.http().post('/api/auth/login').set('User-Agent', userAgent).send(user).expect(200);
  return {
    email: user.email,
    password: user.password,
    userId: response.body.user.id as string,
    token: response.body.accessToken as string,
    refreshToken: response.body.refreshToken as string,
  };
}

/** Verifies the user's email through the routes, with the code from the dev mailbox. */
export async function verifyEmail(t: TestApp, user: { email: string; token: string }): Promise<void> {
  const before = (await mailbox(t, user.email)).filter((m) => m.meta.purpose === 'email_verification').length;
  await t.http().post('/api/auth/email/verify-request').set(bearer(user)).expect(202);
  const code = await latestCode(t, user.email, 'email_verification', before);
  await t.http().post('/api/auth/email/verify').set(bearer(user)).send({ code }).expect(200);
}

/** Turns 2FA on for the user at the server's time `now`; returns the secret and the recovery codes. */
export async function enableTwoFactor(
  t: TestApp,
  user: { token: string },
  now: Date,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await t.http().post('/api/auth/2fa/setup').set(bearer(user)).expect(200);
  const secret = setup.body.secret as string;
  const verified = await t
    .http()
    .post('/api/auth/2fa/verify')
    .set(bearer(user))
    .send({ code: await totpAt(secret, now) })
    .expect(200);
  return { secret, recoveryCodes: verified.body.recoveryCodes as string[] };
}

/** Every error answer is the envelope. */
export function expectEnvelope(body: unknown, code: string): void {
  expect(body).toMatchObject({
    success: false,
    error: { code, message: expect.any(String), requestId: expect.any(String) },
  });
}
