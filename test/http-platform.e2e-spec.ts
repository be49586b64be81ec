import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestApp, newUser, type TestApp } from './support/test-app';

function expectEnvelope(body: unknown, code: string): void {
  expect(body).toEqual({
    success: false,
    error: expect.objectContaining({ code, message: expect.any(String), requestId: expect.any(String) }),
  });
  expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/); // no stack traces
}

describe('HTTP platform: envelope, limits, observability', () => {
  let t: TestApp;
  // A built web console of two files, served at `/` as dist/web is (apps/api/src/web-console.ts).
  const webConsoleDir = mkdtempSync(join(tmpdir(), 'monay-web-'));
  mkdirSync(join(webConsoleDir, 'assets'));
  writeFileSync(join(webConsoleDir, 'index.html'), '<!doctype html><title>Monay</title>');
  writeFileSync(join(webConsoleDir, 'assets', 'index-Ab12.js'), 'export {};');

  beforeAll(async () => {
    t = await startTestApp(
      { AUTH_THROTTLE_LIMIT: '3', CORS_ORIGINS: 'https://app.monay.test' },
      { webConsoleDir },
    );
  });
  afterAll(async () => {
    await t.close();
    rmSync(webConsoleDir, { recursive: true, force: true });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON in the envelope', async () => {
    const response = await t
      .http()
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@example.com",')
      .expect(400);
    expectEnvelope(response.body, 'MALFORMED_JSON');
  });

  it('answers a body over 100 kB with 413', async () => {
    const response = await t
      .http()
      .post('/api/auth/register')
      .send({ email: 'big@example.com', password: 'x'.repeat(101 * 1024) })
      .expect(413);
    expectEnvelope(response.body, 'PAYLOAD_TOO_LARGE');
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])(
    'answers a %s body with 415',
    async (type) => {
      const response = await t
        .http()
        .post('/api/auth/login')
        .set('Content-Type', type)
        .send('email=a')
        .expect(415);
      expectEnvelope(response.body, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('answers a JSON array or scalar body with 400, not 500', async () => {
    for (const body of ['[1,2]', '"text"', 'null', '12']) {
      const response = await t
        .http()
        .post('/api/auth/login')
        .set('Content-Type', 'application/json')
        .send(body);
      expect(response.status).toBe(400);
      expectEnvelope(response.body, response.body.error.code);
    }
  });

  it('answers an unknown route with 404 in the same envelope', async () => {
    const response = await t.http().get('/api/no/such/route').expect(404);
    expectEnvelope(response.body, 'NOT_FOUND');
    const missingFile = await t.http().get('/assets/nope-123.js').expect(404);
    expectEnvelope(missingFile.body, 'NOT_FOUND');
    expect(missingFile.headers['content-security-policy']).not.toMatch(/default-src 'none'/);
  });

  it('serves the web console outside /api: pages revalidated, hashed assets immutable, its own CSP', async () => {
    for (const page of ['/', '/send', '/history/some-id']) {
      const response = await t.http().get(page).expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('<title>Monay</title>');
      expect(response.headers['cache-control']).toBe('no-cache');
      const csp = response.headers['content-security-policy'];
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
    }
    const asset = await t.http().get('/assets/index-Ab12.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    // Other methods on console paths are refused, and nothing escapes the console's folder.
    const post = await t.http().post('/send').send({}).expect(405);
    expectEnvelope(post.body, 'METHOD_NOT_ALLOWED');
    expect(post.headers.allow).toBe('GET, HEAD');
    await t.http().get('/assets/..%2f..%2fpackage.json').expect(404);
    await t.http().get('/assets/.secret.js').expect(404);
    // The API keeps its own answers and headers.
    const api = await t.http().get('/api/health').expect(200);
    expect(api.headers['content-security-policy']).not.toContain("default-src 'none'");
  });

  it('echoes a sane X-Request-Id and makes one otherwise', async () => {
    const given = await t.http().get('/api/no/such').set('X-Request-Id', 'client-abc-123').expect(404);
    expect(given.headers['x-request-id']).toBe('client-abc-123');
    expect(given.body.error.requestId).toBe('client-abc-123');
    const made = await t.http().get('/api/no/such').set('X-Request-Id', 'bad id with spaces').expect(404);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.error.requestId).toBe(made.headers['x-request-id']);
  });

  it('reports health with the database up', async () => {
    const response = await t.http().get('/api/health').expect(200);
    expect(response.body).toMatchObject({
      success: true,
      status: 'ok',
      info: { database: { status: 'up' } },
    });
    if (t.env.REDIS_URL) expect(response.body.info.redis.status).toBe('up');
    await t.http().get('/api/health/live').expect(200);
  });

  it('exposes Prometheus metrics with request counts and latency by route', async () => {
    await t.http().get('/api/health').expect(200);
    const response = await t.http().get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(
      /http_requests_total\{method="GET",route="\/api\/health",status="200"\} \d+/,
    );
    expect(response.text).toContain('http_request_duration_seconds_bucket');
  });

  it('serves OpenAPI with every route at /api/docs-json and the UI at /api/docs', async () => {
    const response = await t.http().get('/api/docs-json').expect(200);
    const paths = Object.keys(response.body.paths as object);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/auth/register',
        '/api/auth/login',
        '/api/auth/refresh',
        '/api/auth/logout',
        '/api/auth/me',
        '/api/health',
        '/api/consumer/onboard',
        '/api/consumer/deposit',
        '/api/consumer/preferences',
        '/api/consumer/transfer',
        '/api/consumer/batch-transfer',
        '/api/consumer/portfolio',
        '/api/wallet/balance',
        '/api/wallet/limits',
        '/api/p2p-transfer/validate',
        '/api/p2p-transfer/send',
        '/api/p2p-transfer/status/{id}',
        '/api/transactions',
        '/api/recurring/create',
        '/api/recurring/list',
        '/api/recurring/{id}',
        '/api/notifications',
        '/api/notifications/{id}/read',
        '/api/realtime/missed',
        '/api/admin/jobs/dead-letter',
        '/api/admin/jobs/dead-letter/{id}/retry',
        '/api/consumer/deposits/{id}',
        '/api/consumer/withdraw',
        '/api/consumer/withdrawals/{id}',
        '/api/consumer/swap/quote',
        '/api/consumer/swap',
        '/api/consumer/swaps/{id}',
        '/api/webhooks/providers/{name}',
        '/api/admin/providers',
        '/api/admin/providers/{name}/mode',
        '/api/providers/wallets',
        '/api/providers/health',
        '/api/admin/reconciliation/run',
        '/api/admin/reconciliation/latest',
        '/api/admin/reconciliation/{id}',
        '/api/analytics/spending',
        '/api/analytics/trends',
        '/api/analytics/categories',
        '/api/analytics/summary',
        '/api/analytics/rules',
        '/api/analytics/rules/{id}',
        '/api/analytics/rules/{id}/preview',
        '/api/analytics/rules/{id}/apply',
        '/api/transactions/export',
        '/api/transactions/{id}/category',
        '/api/admin/reference-prices',
      ]),
    );
    await t.http().get('/api/docs').expect(200);
  });

  it('sets security headers and allows only configured CORS origins', async () => {
    const allowed = await t
      .http()
      .get('/api/health/live')
      .set('Origin', 'https://app.monay.test')
      .expect(200);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.monay.test');
    expect(allowed.headers['x-content-type-options']).toBe('nosniff');
    expect(allowed.headers['x-powered-by']).toBeUndefined();
    const foreign = await t.http().get('/api/health/live').set('Origin', 'https://evil.test').expect(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rate-limits sign-in per account with 429 RATE_LIMITED', async () => {
    const user = newUser('throttle');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await t
        .http()
        .post('/api/auth/login')
        .send({ ...user, password: 'wrong-password-1' });
      statuses.push(response.status);
      if (response.status === 429) expectEnvelope(response.body, 'RATE_LIMITED');
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another account from the same address still has its own budget.
    await t
      .http()
      .post('/api/auth/login')
      .send({ ...newUser('other'), password: 'wrong-password-1' })
      .expect(401);
  });
});
