import { randomUUID } from 'node:crypto';
import { auth, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

/** Ids, query strings and bodies a client can get wrong: every one is a 4xx in the envelope, never a 5xx. */
describe('malformed input never reaches a 500', () => {
  let t: TestApp;
  let alice: Customer;

  beforeAll(async () => {
    t = await startTestApp();
    alice = await onboard(t, 'alice');
  });
  afterAll(() => t.close());

  const weird = ['not-a-uuid', '%27%3B--', '0', 'x'.repeat(300), '00000000-0000-0000-0000-000000000000'];

  it.each([
    ...weird.map((id) => ['GET', `/api/p2p-transfer/status/${id}`]),
    ...weird.map((id) => ['GET', `/api/recurring/${id}`]),
    ...weird.map((id) => ['PUT', `/api/recurring/${id}`]),
    ...weird.map((id) => ['DELETE', `/api/recurring/${id}`]),
    ...weird.map((id) => ['POST', `/api/notifications/${id}/read`]),
    ...weird.map((id) => ['DELETE', `/api/analytics/rules/${id}`]),
    ...weird.map((id) => ['POST', `/api/analytics/rules/${id}/preview`]),
    ...weird.map((id) => ['POST', `/api/analytics/rules/${id}/apply`]),
    ...weird.map((id) => ['PUT', `/api/transactions/${id}/category`]),
    ['GET', '/api/analytics/spending?from=%00'],
    ['GET', '/api/analytics/spending?from=2026-01-01&from=2026-02-01'],
    ['GET', '/api/analytics/spending?to=9999-12-31'],
    ['GET', '/api/analytics/trends?months=1e3'],
    ['GET', '/api/analytics/categories?from=2026-02-30'],
    ['GET', '/api/transactions/export?format=csv%00'],
    ['GET', '/api/transactions/export?from=2027-01-01&to=2026-01-01'],
    ['GET', '/api/transactions?limit=abc'],
    ['GET', '/api/transactions?limit=-1'],
    ['GET', '/api/transactions?cursor=%00%00'],
    ['GET', '/api/transactions?cursor=AAAAAAAAAAAAAAAAAAAA'],
    ['GET', '/api/transactions?currency=DOGE'],
    ['GET', '/api/recurring/list?limit=0'],
    ['GET', '/api/recurring/list?cursor=bad%20cursor'],
    ['GET', '/api/notifications?unread=maybe'],
    ['GET', '/api/realtime/missed?since=not-an-event'],
    ['GET', `/api/realtime/missed?since=${randomUUID()}`],
    ['GET', '/api/realtime/missed?limit=100000'],
  ])('%s %s', async (method, path) => {
    const call = t.http()[method.toLowerCase() as 'get' | 'put' | 'delete' | 'post'](path).set(auth(alice));
    const response = await (method === 'GET' ? call : call.send({ status: 'paused' }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body).toMatchObject({
      success: false,
      error: { code: expect.any(String), requestId: expect.any(String) },
    });
  });

  it.each<[string, object]>([
    ['/api/p2p-transfer/send', { to: ['a'], amount: '1.00' }],
    ['/api/p2p-transfer/send', { to: 'bob@example.com', amount: '1.00', currency: 42 }],
    ['/api/p2p-transfer/send', { to: 'bob@example.com', amount: '1.00', note: { html: '<b>' } }],
    ['/api/consumer/batch-transfer', { recipients: 'everyone' }],
    ['/api/consumer/batch-transfer', { recipients: [null] }],
    ['/api/consumer/batch-transfer', { recipients: [{ to: 'x', amount: '1', currency: 'USDC', extra: 1 }] }],
    [
      '/api/recurring/create',
      { to: 'bob@example.com', amount: '1.00', frequency: 'hourly', startAt: 'soon' },
    ],
    [
      '/api/recurring/create',
      { to: 'bob@example.com', amount: '1.00', frequency: 'daily', startAt: '2026-13-45T99:00:00Z' },
    ],
    [
      '/api/recurring/create',
      {
        to: 'bob@example.com',
        amount: '1.00',
        frequency: 'daily',
        startAt: new Date(Date.now() + 60_000).toISOString(),
        timezone: 'Mars/Olympus',
      },
    ],
    ['/api/analytics/rules', { match: { merchant: { $ne: 1 } }, category: 'TRAVEL' }],
    ['/api/analytics/rules', { match: { counterparty: 'x'.repeat(300) }, category: 'TRAVEL' }],
    ['/api/analytics/rules', { match: [], category: 'TRAVEL' }],
    ['/api/analytics/rules', { match: { noteContains: '' }, category: 'TRAVEL' }],
    ['/api/analytics/rules', { match: { noteContains: 'x' }, category: ['TRAVEL'] }],
  ])('POST %s %j', async (path, body) => {
    const response = await t
      .http()
      .post(path)
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send(body);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.success).toBe(false);
  });

  it('refuses the admin routes to a customer with 403, whatever the id', async () => {
    await t.http().post('/api/admin/jobs/dead-letter/%27%3B--/retry').set(auth(alice)).expect(403);
  });
});
