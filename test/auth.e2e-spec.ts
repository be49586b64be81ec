import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { createHmac } from 'node:crypto';
import { startTestApp, newUser, type TestApp } from './support/test-app';

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

function signHs256(payload: object, secret: string): string {
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('identity: register, log in, refresh, log out', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function register(user = newUser()) {
    const response = await t.http().post('/api/auth/register').send(user).expect(201);
    return {
      user,
      body: response.body as { user: { id: string }; accessToken: string; refreshToken: string },
    };
  }

  it('registers a user and returns a token pair without the password hash', async () => {
    const user = newUser();
    const response = await t
      .http()
      .post('/api/auth/register')
      .send({ ...user, phone: '+1 415 555 0100' })
      .expect(201);
    expect(response.body).toMatchObject({
      success: true,
      user: { email: user.email, phone: '+14155550100', roles: [] },
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    expect(typeof response.body.accessToken).toBe('string');
    expect(typeof response.body.refreshToken).toBe('string');
    expect(JSON.stringify(response.body)).not.toMatch(/scrypt|passwordHash|password_hash/);
  });

  it('normalises the email and refuses a second account for it with 409 EMAIL_TAKEN', async () => {
    const user = newUser('dup');
    await t.http().post('/api/auth/register').send(user).expect(201);
    const response = await t
      .http()
      .post('/api/auth/register')
      .send({ email: `  ${user.email.toUpperCase()} `.trim(), password: user.password })
      .expect(409);
    expect(response.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('refuses a password under 10 characters with 400 WEAK_PASSWORD', async () => {
    const response = await t
      .http()
      .post('/api/auth/register')
      .send({ email: newUser().email, password: 'short1' })
      .expect(400);
    expect(response.body).toMatchObject({ success: false, error: { code: 'WEAK_PASSWORD' } });
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', password: 'correct-horse-battery' }, 'email'],
    ['a missing password', { email: 'a@example.com' }, 'password'],
    ['a numeric password', { email: 'a@example.com', password: 12345678901 }, 'password'],
    ['an unknown field', { email: 'a@example.com', password: 'correct-horse-battery', admin: true }, 'admin'],
  ])('answers %s with 400 VALIDATION_FAILED naming the field', async (_case, body, field) => {
    const response = await t.http().post('/api/auth/register').send(body).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('logs in with the right password and refuses a wrong one or an unknown email alike', async () => {
    const { user } = await register();
    const ok = await t.http().post('/api/auth/login').send(user).expect(200);
    expect(ok.body).toMatchObject({ success: true, user: { email: user.email } });

    const wrong = await t
      .http()
      .post('/api/auth/login')
      .send({ ...user, password: 'wrong-password-1' })
      .expect(401);
    const unknown = await t
      .http()
      .post('/api/auth/login')
      .send({ email: 'nobody@example.com', password: 'wrong-password-1' })
      .expect(401);
    expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.error).toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: wrong.body.error.message,
    });
  });

  it('returns the profile at /api/auth/me, never the hash', async () => {
    const { user, body } = await register();
    const response = await t
      .http()
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${body.accessToken}`)
      .expect(200);
    expect(response.body).toEqual({
      success: true,
      user: {
        id: body.user.id,
        email: user.email,
        phone: null,
        roles: [],
        createdAt: expect.any(String),
        security: { emailVerified: false, phoneVerified: false, twoFactorEnabled: false },
      },
    });
  });

  it('rotates refresh tokens, and a reused one revokes the whole family', async () => {
    const { body } = await register();
    const first = await t
      .http()
      .post('/api/auth/refresh')
      .send({ refreshToken: body.refreshToken })
      .expect(200);
    expect(first.body.refreshToken).not.toBe(body.refreshToken);
    const second = await t
      .http()
      .post('/api/auth/refresh')
      .send({ refreshToken: first.body.refreshToken })
      .expect(200);

    const reuse = await t
      .http()
      .post('/api/auth/refresh')
      .send({ refreshToken: body.refreshToken })
      .expect(401);
    expect(reuse.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The family is gone: the newest refresh token and the access tokens of the session stop working.
    const after = await t
      .http()
      .post('/api/auth/refresh')
      .send({ refreshToken: second.body.refreshToken })
      .expect(401);
    expect(after.body.error.code).toBe('INVALID_REFRESH_TOKEN');
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${second.body.accessToken}`).expect(401);
  });

  itRacesOnPostgres('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const { body } = await register();
    const results = await Promise.all(
      [1, 2].map(() => t.http().post('/api/auth/refresh').send({ refreshToken: body.refreshToken })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('refuses an unknown refresh token with 401 INVALID_REFRESH_TOKEN', async () => {
    const response = await t.http().post('/api/auth/refresh').send({ refreshToken: 'made-up' }).expect(401);
    expect(response.body.error.code).toBe('INVALID_REFRESH_TOKEN');
  });

  it('logs out: the session’s access and refresh tokens stop working, other sessions live on', async () => {
    const { user, body } = await register();
    const other = await t.http().post('/api/auth/login').send(user).expect(200);
    await t.http().post('/api/auth/logout').set('Authorization', `Bearer ${body.accessToken}`).expect(200);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${body.accessToken}`).expect(401);
    await t.http().post('/api/auth/refresh').send({ refreshToken: body.refreshToken }).expect(401);
    await t.http().get('/api/auth/me').set('Authorization', `Bearer ${other.body.accessToken}`).expect(200);
  });

  describe('access tokens', () => {
    let claims: { sub: string; sid: string };
    let valid: string;

    beforeAll(async () => {
      const { body } = await register();
      valid = body.accessToken;
      claims = JSON.parse(Buffer.from(valid.split('.')[1], 'base64url').toString()) as typeof claims;
    });

    const standard = () => ({ ...claims, roles: [], iss: 'monay-wallet', aud: 'monay-api' });

    it.each([
      ['no token', () => undefined, 'INVALID_TOKEN'],
      ['a malformed token', () => 'not.a.jwt', 'INVALID_TOKEN'],
      [
        'a tampered payload',
        () =>
          `${valid.split('.')[0]}.${base64url({ ...standard(), roles: ['admin'] })}.${valid.split('.')[2]}`,
        'INVALID_TOKEN',
      ],
      [
        'alg: none',
        () => `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...standard(), exp: 9e9 })}.`,
        'INVALID_TOKEN',
      ],
      ['a wrong signing key', () => signHs256({ ...standard(), exp: 9e9 }, 'x'.repeat(64)), 'INVALID_TOKEN'],
      [
        'an expired token',
        () =>
          signHs256(
            { ...standard(), exp: Math.floor(Date.now() / 1000) - 10 },
            t.env.JWT_ACCESS_SECRET ?? '',
          ),
        'TOKEN_EXPIRED',
      ],
      [
        'a foreign audience',
        () => signHs256({ ...standard(), aud: 'other', exp: 9e9 }, t.env.JWT_ACCESS_SECRET ?? ''),
        'INVALID_TOKEN',
      ],
    ])('refuses %s with 401', async (_case, token, code) => {
      const call = t.http().get('/api/auth/me');
      const value = token();
      if (value !== undefined) call.set('Authorization', `Bearer ${value}`);
      const response = await call.expect(401);
      expect(response.body).toMatchObject({ success: false, error: { code } });
    });

    it('accepts a token we signed ourselves with the right key and claims', async () => {
      const token = signHs256(
        { ...standard(), exp: Math.floor(Date.now() / 1000) + 60 },
        t.env.JWT_ACCESS_SECRET ?? '',
      );
      await t.http().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    });
  });
});
