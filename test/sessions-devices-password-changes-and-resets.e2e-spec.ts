import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { registerAdmin, type Admin } from './support/admin';
import { bearer, expectEnvelope, latestCode, logIn, mailbox, type SignedIn } from './support/security';
import { newUser, startTestApp, type TestApp } from './support/test-app';

const MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1';

/**
 * Sessions as devices (listed, ended one by one or all but this one, sockets closed at once), password changes
 * that end the other sessions, password resets by emailed code that never say whether an email has an account,
 * and the audit log behind it all (append-only; admin actions recorded).
 */
describe('sessions, devices, password changes and resets', () => {
  let t: TestApp;
  let url: string;
  let admin: Admin;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    admin = await registerAdmin(t);
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  async function registerOn(userAgent: string) {
    const user = newUser('devices');
    await t.http().post('/api/auth/register').set('User-Agent', userAgent).send(user).expect(201);
    return user;
  }
  const sessionsOf = async (user: SignedIn) =>
    (await t.http().get('/api/auth/sessions').set(bearer(user)).expect(200)).body.sessions as Array<{
      id: string;
      device: string;
      current: boolean;
      ip: string | null;
      createdAt: string;
      lastUsedAt: string;
    }>;
  const sessionIdOf = (user: SignedIn) =>
    (JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

  it('lists the devices signed in, says which is this one, and tells a new device from a known one', async () => {
    const credentials = await registerOn(MAC_CHROME);
    const mac = await logIn(t, credentials, MAC_CHROME);
    const phone = await logIn(t, credentials, IPHONE_SAFARI);
    const listed = await sessionsOf(phone);
    expect(listed).toHaveLength(3); // the registration's, the Mac's, the phone's
    const current = listed.filter((s) => s.current);
    expect(current).toEqual([
      expect.objectContaining({ id: sessionIdOf(phone), device: 'Safari on iPhone' }),
    ]);
    expect(listed.filter((s) => s.device === 'Chrome on macOS')).toHaveLength(2);
    for (const session of listed) {
      expect(session.ip).toEqual(expect.any(String));
      expect(new Date(session.lastUsedAt).getTime()).toBeGreaterThanOrEqual(
        new Date(session.createdAt).getTime(),
      );
    }
    const events = await t.http().get('/api/auth/security-events').set(bearer(mac)).expect(200);
    expect(events.body.events.map((e: { kind: string; device: string }) => [e.kind, e.device])).toEqual([
      ['new_device', 'Safari on iPhone'],
      ['new_sign_in', 'Chrome on macOS'],
    ]);
  });

  it('ends one session: its tokens stop working and its socket is closed at once; others go on', async () => {
    const credentials = await registerOn(MAC_CHROME);
    const mac = await logIn(t, credentials, MAC_CHROME);
    const phone = await logIn(t, credentials, IPHONE_SAFARI);
    const phoneSocket = await RealtimeClient.connect(url, phone.token);
    const macSocket = await RealtimeClient.connect(url, mac.token);
    clients.push(phoneSocket, macSocket);

    const revoked = await t
      .http()
      .delete(`/api/auth/sessions/${sessionIdOf(phone)}`)
      .set(bearer(mac))
      .expect(200);
    expect(revoked.body).toEqual({ success: true, revoked: true });
    expect(await phoneSocket.disconnected(2_000)).toBe('io server disconnect');
    expect(phoneSocket.of('system.alert')).toEqual([
      { code: 'SESSION_REVOKED', message: expect.any(String) },
    ]);
    expectEnvelope((await t.http().get('/api/auth/me').set(bearer(phone)).expect(401)).body, 'INVALID_TOKEN');
    const refresh = await t
      .http()
      .post('/api/auth/refresh')
      .send({ refreshToken: phone.refreshToken })
      .expect(401);
    expectEnvelope(refresh.body, 'INVALID_REFRESH_TOKEN');
    await t.http().get('/api/auth/me').set(bearer(mac)).expect(200);
    expect(macSocket.socket.connected).toBe(true);
    // Again: the same answer, nothing more revoked.
    const again = await t
      .http()
      .delete(`/api/auth/sessions/${sessionIdOf(phone)}`)
      .set(bearer(mac))
      .expect(200);
    expect(again.body).toEqual({ success: true, revoked: false });
  });

  it('answers 404 for another user’s session, an unknown and a malformed id', async () => {
    const alice = await logIn(t, await registerOn(MAC_CHROME));
    const bob = await logIn(t, await registerOn(MAC_CHROME));
    for (const id of [sessionIdOf(bob), randomUUID(), 'not-a-session']) {
      const response = await t.http().delete(`/api/auth/sessions/${id}`).set(bearer(alice)).expect(404);
      expectEnvelope(response.body, 'NOT_FOUND');
    }
    await t.http().get('/api/auth/me').set(bearer(bob)).expect(200);
  });

  it('revokes every other session at once', async () => {
    const credentials = await registerOn(MAC_CHROME);
    const keep = await logIn(t, credentials, MAC_CHROME);
    const others = [await logIn(t, credentials, IPHONE_SAFARI), await logIn(t, credentials, 'curl/8.4.0')];
    const response = await t.http().post('/api/auth/sessions/revoke-others').set(bearer(keep)).expect(200);
    expect(response.body).toEqual({ success: true, revoked: 3 }); // the registration's too
    for (const other of others) await t.http().get('/api/auth/me').set(bearer(other)).expect(401);
    expect((await sessionsOf(keep)).map((s) => s.id)).toEqual([sessionIdOf(keep)]);
  });

  it('changes the password: the current one first, then every other session ends and this one goes on', async () => {
    const credentials = await registerOn(MAC_CHROME);
    const here = await logIn(t, credentials, MAC_CHROME);
    const there = await logIn(t, credentials, IPHONE_SAFARI);
    const wrong = await t
      .http()
      .post('/api/auth/password')
      .set(bearer(here))
      .send({ currentPassword: 'not-my-password', newPassword: 'a-new-long-passphrase' })
      .expect(401);
    expectEnvelope(wrong.body, 'INVALID_PASSWORD');
    const weak = await t
      .http()
      .post('/api/auth/password')
      .set(bearer(here))
      .send({ currentPassword: credentials.password, newPassword: 'short' })
      .expect(400);
    expectEnvelope(weak.body, 'WEAK_PASSWORD');
    await t.http().get('/api/auth/me').set(bearer(there)).expect(200);

    const changed = await t
      .http()
      .post('/api/auth/password')
      .set(bearer(here))
      .send({ currentPassword: credentials.password, newPassword: 'a-new-long-passphrase' })
      .expect(200);
    expect(changed.body).toEqual({ success: true, revokedSessions: 2 });
    await t.http().get('/api/auth/me').set(bearer(there)).expect(401);
    await t.http().get('/api/auth/me').set(bearer(here)).expect(200);
    await t.http().post('/api/auth/login').send(credentials).expect(401);
    await t
      .http()
      .post('/api/auth/login')
      .send({ ...credentials, password: 'a-new-long-passphrase' })
      .expect(200);
  });

  it('never says whether an email has an account: the same answer, a code only for the real one, the same limit', async () => {
    const known = await registerOn(MAC_CHROME);
    const unknownEmail = `nobody.${randomUUID()}@example.com`;
    const forKnown = await t
      .http()
      .post('/api/auth/password/reset-request')
      .send({ email: known.email })
      .expect(202);
    const forUnknown = await t
      .http()
      .post('/api/auth/password/reset-request')
      .send({ email: unknownEmail })
      .expect(202);
    expect(forUnknown.body).toEqual(forKnown.body);
    expect(Object.keys(forUnknown.headers).sort()).toEqual(Object.keys(forKnown.headers).sort());
    const code = await latestCode(t, known.email, 'password_reset');
    expect(await mailbox(t, unknownEmail)).toEqual([]);
    // A second request within the minute: 429 for both alike.
    for (const email of [known.email, unknownEmail]) {
      const limited = await t.http().post('/api/auth/password/reset-request').send({ email }).expect(429);
      expectEnvelope(limited.body, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }

    // A wrong code, and any code for the email without an account: the same refusal.
    const wrongKnown = await t
      .http()
      .post('/api/auth/password/reset')
      .send({
        email: known.email,
        code: code === '000000' ? '000001' : '000000',
        newPassword: 'reset-passphrase-1',
      })
      .expect(400);
    const wrongUnknown = await t
      .http()
      .post('/api/auth/password/reset')
      .send({ email: unknownEmail, code: '000000', newPassword: 'reset-passphrase-1' })
      .expect(400);
    expectEnvelope(wrongKnown.body, 'INVALID_VERIFICATION_CODE');
    expectEnvelope(wrongUnknown.body, 'INVALID_VERIFICATION_CODE');
    expect(wrongUnknown.body.error.message).toBe(wrongKnown.body.error.message);
    expect(wrongUnknown.body.error.details).toEqual(wrongKnown.body.error.details);
    const neverAsked = await t
      .http()
      .post('/api/auth/password/reset')
      .send({ email: `never.${randomUUID()}@example.com`, code: '000000', newPassword: 'reset-passphrase-1' })
      .expect(400);
    expectEnvelope(neverAsked.body, 'INVALID_VERIFICATION_CODE');
  });

  it('resets the password with the emailed code: every session ends, the new password signs in', async () => {
    const credentials = await registerOn(MAC_CHROME);
    const session = await logIn(t, credentials, MAC_CHROME);
    const socket = await RealtimeClient.connect(url, session.token);
    clients.push(socket);
    await t.http().post('/api/auth/password/reset-request').send({ email: credentials.email }).expect(202);
    const code = await latestCode(t, credentials.email, 'password_reset');
    const weak = await t
      .http()
      .post('/api/auth/password/reset')
      .send({ email: credentials.email, code, newPassword: 'short' })
      .expect(400);
    expectEnvelope(weak.body, 'WEAK_PASSWORD');
    await t
      .http()
      .post('/api/auth/password/reset')
      .send({ email: credentials.email.toUpperCase(), code, newPassword: 'after-the-reset-1' })
      .expect(200);
    await t.http().get('/api/auth/me').set(bearer(session)).expect(401);
    expect(await socket.disconnected(2_000)).toBe('io server disconnect');
    await t.http().post('/api/auth/login').send(credentials).expect(401);
    const fresh = await logIn(t, { email: credentials.email, password: 'after-the-reset-1' });
    // The code was used up.
    const reused = await t
      .http()
      .post('/api/auth/password/reset')
      .send({ email: credentials.email, code, newPassword: 'another-one-1234' })
      .expect(400);
    expectEnvelope(reused.body, 'INVALID_VERIFICATION_CODE');
    const events = await t.http().get('/api/auth/security-events').set(bearer(fresh)).expect(200);
    expect(events.body.events.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['password_reset', 'password_reset_requested']),
    );
  });

  it.each([
    ['reset-request', {}, 'VALIDATION_FAILED'],
    ['reset-request', { email: 'not-an-email' }, 'VALIDATION_FAILED'],
    ['reset', { email: 'a@example.com', code: '12', newPassword: 'long-enough-1' }, 'VALIDATION_FAILED'],
    ['reset', { email: 'a@example.com', code: '123456' }, 'VALIDATION_FAILED'],
  ])('answers a bad password/%s body with 400 in the envelope', async (route, body, code) => {
    const response = await t.http().post(`/api/auth/password/${route}`).send(body).expect(400);
    expectEnvelope(response.body, code);
  });

  it('keeps an append-only audit log, admin actions included, that admins page through', async () => {
    await t
      .http()
      .post('/api/admin/sandbox/clock/advance')
      .set('Authorization', admin.Authorization)
      .set('X-Request-Id', 'clock-audit-1')
      .send({ minutes: 1 })
      .expect(200);
    const audit = await t
      .http()
      .get('/api/admin/audit')
      .query({ action: 'admin_action', actor: admin.userId, limit: 1 })
      .set('Authorization', admin.Authorization)
      .expect(200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'admin_action',
        outcome: 'success',
        actorUserId: admin.userId,
        target: 'POST /api/admin/sandbox/clock/advance',
        requestId: 'clock-audit-1',
        details: expect.objectContaining({ body: '{"minutes":1}' }),
      }),
    ]);
    // Pages: newest first, each entry once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { entries: Array<{ id: string }>; nextCursor: string | null } } = await t
        .http()
        .get('/api/admin/audit')
        .query({ limit: 7, ...(cursor && { cursor }) })
        .set('Authorization', admin.Authorization)
        .expect(200);
      seen.push(...page.body.entries.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.map(Number)).toEqual([...seen.map(Number)].sort((a, b) => b - a));

    const db = t.app.get(DataSource);
    await expect(db.query(`UPDATE audit_log SET action = 'nothing'`)).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);

    for (const query of [
      { cursor: 'bogus!' },
      { cursor: 'Zm9v' },
      { cursor: Buffer.from('a:9999999999999999999').toString('base64url') },
      { actor: 'nope' },
      { from: 'yesterday' },
      { from: '0000-01-01' },
      { to: '2026-13-45' },
      { action: 'DROP TABLE' },
      { limit: 0 },
    ]) {
      const response = await t
        .http()
        .get('/api/admin/audit')
        .query(query)
        .set('Authorization', admin.Authorization);
      expect([query, response.status]).toEqual([query, 400]);
      expectEnvelope(response.body, 'VALIDATION_FAILED');
    }
  });
});
