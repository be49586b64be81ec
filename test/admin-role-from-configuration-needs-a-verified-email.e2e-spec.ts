import { DataSource } from 'typeorm';
import { registerAdmin } from './support/admin';
import { verifyEmail } from './support/security';
import { newUser, startTestApp, type TestApp } from './support/test-app';

/**
 * ADMIN_EMAILS names the addresses that hold the admin role, but a role from configuration applies only to an
 * address its user proved to own (`users.email_verified_at`). Otherwise whoever registers a listed address
 * first, typed or guessed, is an admin. The first cases mark the address verified in the database; the last one
 * verifies it as a user does, through the verification routes and the code in the dev mailbox.
 */
describe('admin role from ADMIN_EMAILS needs a verified email', () => {
  let t: TestApp;
  const listed = newUser('listed-admin');
  const other = newUser('not-listed');
  const verifiesByRoute = newUser('listed-verifies');

  beforeAll(async () => {
    t = await startTestApp({
      ADMIN_EMAILS: `someone@example.com, ${listed.email.toUpperCase()}, ${verifiesByRoute.email}`,
    });
  });
  afterAll(() => t.close());

  const markVerified = (email: string) =>
    t.app.get(DataSource).query(`UPDATE users SET email_verified_at = now() WHERE email = $1`, [email]);
  const deadLetters = (token: string) =>
    t.http().get('/api/admin/jobs/dead-letter').set('Authorization', `Bearer ${token}`);

  it('registering a listed address gives no admin role: 403 on an admin route, also after a new login', async () => {
    const registered = await t.http().post('/api/auth/register').send(listed).expect(201);
    expect(registered.body.user.roles).toEqual([]);
    const refused = await deadLetters(registered.body.accessToken as string).expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');

    const login = await t.http().post('/api/auth/login').send(listed).expect(200);
    expect(login.body.user.roles).toEqual([]);
    await deadLetters(login.body.accessToken as string).expect(403);
    const me = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${login.body.accessToken as string}`)
      .expect(200);
    expect(me.body.user.roles).toEqual([]);
  });

  it('once the listed address is verified, the user is an admin (new tokens carry the role)', async () => {
    await markVerified(listed.email);
    const login = await t.http().post('/api/auth/login').send(listed).expect(200);
    expect(login.body.user.roles).toEqual(['admin']);
    await deadLetters(login.body.accessToken as string).expect(200);
  });

  it('a verified address that is not listed gives no admin role', async () => {
    await t.http().post('/api/auth/register').send(other).expect(201);
    await markVerified(other.email);
    const login = await t.http().post('/api/auth/login').send(other).expect(200);
    expect(login.body.user.roles).toEqual([]);
    await deadLetters(login.body.accessToken as string).expect(403);
  });

  it('a listed user who verifies the email through the routes becomes an admin, and the audit log says so', async () => {
    const registered = await t.http().post('/api/auth/register').send(verifiesByRoute).expect(201);
    const token = registered.body.accessToken as string;
    await deadLetters(token).expect(403);
    await verifyEmail(t, { email: verifiesByRoute.email, token });
    // The role is in the next token (refresh or sign in), not in the one issued before the verification.
    await deadLetters(token).expect(403);
    const refreshed = await t
      .http()
      .post('/api/auth/refresh')
      .send({ refreshToken: registered.body.refreshToken })
      .expect(200);
    await deadLetters(refreshed.body.accessToken as string).expect(200);
    const login = await t.http().post('/api/auth/login').send(verifiesByRoute).expect(200);
    expect(login.body.user.roles).toEqual(['admin']);

    const operator = await registerAdmin(t);
    const audit = await t
      .http()
      .get('/api/admin/audit')
      .query({ user: registered.body.user.id, action: 'role_granted,email_verified' })
      .set('Authorization', operator.Authorization)
      .expect(200);
    expect(
      audit.body.entries.map((e: { action: string; details: unknown }) => [e.action, e.details]),
    ).toEqual([
      ['role_granted', { role: 'admin', source: 'ADMIN_EMAILS' }],
      ['email_verified', { email: expect.stringMatching(/^l\*\*\*@e\*\*\*\.com$/) }],
    ]);
  });
});
