import { startTestApp, type TestApp } from './support/test-app';

/**
 * The client address that rate limits count under comes from X-Forwarded-For only when the peer is a proxy
 * named in TRUSTED_PROXIES. By default none is: a client cannot give itself a fresh sign-in budget by sending
 * another X-Forwarded-For with each attempt. supertest connects from loopback, so TRUSTED_PROXIES=127.0.0.1
 * makes the test client a trusted proxy.
 */
describe('client IP: X-Forwarded-For is believed only from TRUSTED_PROXIES', () => {
  // AUTH_THROTTLE_LIMIT=2: 2 attempts per account and 6 per client address per window. Every attempt names
  // another account, so only the per-address budget can run out.
  const PER_ADDRESS = 6;

  async function signInAttempts(t: TestApp, count: number, forwardedFor: (i: number) => string) {
    const answers: Array<{ status: number; code?: string; retryAfter?: string }> = [];
    for (let i = 0; i < count; i += 1) {
      const response = await t
        .http()
        .post('/api/auth/login')
        .set('X-Forwarded-For', forwardedFor(i))
        .send({ email: `nobody.${i}.${Date.now()}@example.com`, password: 'not-the-password-1' });
      answers.push({
        status: response.status,
        code: response.body?.error?.code,
        retryAfter: response.headers['retry-after'],
      });
    }
    return answers;
  }

  describe('by default (no TRUSTED_PROXIES)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ AUTH_THROTTLE_LIMIT: '2' });
    });
    afterAll(() => t.close());

    it('a spoofed X-Forwarded-For on every attempt does not change the bucket: the limit trips', async () => {
      const answers = await signInAttempts(t, PER_ADDRESS + 2, (i) => `203.0.113.${i + 1}`);
      expect(answers.slice(0, PER_ADDRESS).map((a) => a.status)).toEqual(Array(PER_ADDRESS).fill(401));
      for (const refused of answers.slice(PER_ADDRESS)) {
        expect(refused).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
        expect(Number(refused.retryAfter)).toBeGreaterThan(0);
      }
    });
  });

  describe('with TRUSTED_PROXIES=127.0.0.1 (the test client is the proxy)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ AUTH_THROTTLE_LIMIT: '2', TRUSTED_PROXIES: '127.0.0.1' });
    });
    afterAll(() => t.close());

    it('each forwarded client address has its own budget', async () => {
      const answers = await signInAttempts(t, PER_ADDRESS + 2, (i) => `203.0.113.${i + 1}`);
      expect(answers.map((a) => a.status)).toEqual(Array(PER_ADDRESS + 2).fill(401));
    });

    it('and one forwarded client address still runs out of its own', async () => {
      const answers = await signInAttempts(t, PER_ADDRESS + 1, () => '198.51.100.7');
      expect(answers.slice(0, PER_ADDRESS).map((a) => a.status)).toEqual(Array(PER_ADDRESS).fill(401));
      expect(answers[PER_ADDRESS]).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    });
  });
});
