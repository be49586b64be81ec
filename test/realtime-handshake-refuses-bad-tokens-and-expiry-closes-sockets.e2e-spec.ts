import {
  claimsOf,
  RealtimeClient,
  refusedHandshake,
  signAccessToken,
} from '../libs/realtime/src/testing/realtime-client';
import { auth, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

const now = () => Math.floor(Date.now() / 1000);

describe('realtime: the handshake is authenticated like an HTTP request, and a socket lives as long as its token', () => {
  let t: TestApp;
  let url: string;
  let secret: string;
  let dana: Customer;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    secret = t.env.JWT_ACCESS_SECRET ?? '';
    dana = await onboard(t, 'dana');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await t.close();
  });

  it('accepts a valid token', async () => {
    const client = await RealtimeClient.connect(url, dana.token);
    clients.push(client);
    expect(client.socket.connected).toBe(true);
  });

  it.each([
    ['no token', 'INVALID_TOKEN', () => undefined],
    ['an empty token', 'INVALID_TOKEN', () => ''],
    [
      'a tampered token',
      'INVALID_TOKEN',
      () => {
        const [header, , signature] = dana.token.split('.');
        const payload = { ...claimsOf(dana.token), roles: ['admin'], exp: now() + 600 };
        return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
      },
    ],
    [
      'a token signed with another key',
      'INVALID_TOKEN',
      () => signAccessToken('x'.repeat(64), claimsOf(dana.token), now() + 600),
    ],
    ['an expired token', 'TOKEN_EXPIRED', () => signAccessToken(secret, claimsOf(dana.token), now() - 10)],
  ])('refuses %s with connect_error %s', async (_case, code, token) => {
    const refusal = await refusedHandshake(url, token());
    expect(refusal).toEqual({ message: code, data: { code, message: expect.any(String) } });
  });

  it('refuses the token of a session that logged out, with connect_error INVALID_TOKEN', async () => {
    const erin = await onboard(t, 'erin');
    await t.http().post('/api/auth/logout').set(auth(erin)).expect(200);
    const refusal = await refusedHandshake(url, erin.token);
    expect(refusal).toEqual({
      message: 'INVALID_TOKEN',
      data: { code: 'INVALID_TOKEN', message: expect.any(String) },
    });
  });

  it('allows cross-origin polling only from CORS_ORIGINS', async () => {
    const poll = (origin: string) =>
      t.http().get('/socket.io/?EIO=4&transport=polling').set('Origin', origin).expect(200);
    expect((await poll('http://localhost:3000')).headers['access-control-allow-origin']).toBe(
      'http://localhost:3000',
    );
    expect((await poll('https://evil.example')).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends system.alert TOKEN_EXPIRED and closes the socket when its token expires', async () => {
    const startedAt = Date.now();
    const shortLived = signAccessToken(secret, claimsOf(dana.token), now() + 2);
    const client = await RealtimeClient.connect(url, shortLived);
    clients.push(client);
    const alert = await client.nth('system.alert');
    expect(alert).toEqual({ code: 'TOKEN_EXPIRED', message: expect.any(String) });
    expect(await client.disconnected()).toBe('io server disconnect');
    expect(client.messages.map((m) => m.event)).toEqual(['system.alert']);
    // Not before the token's expiry (how soon after it is the machine's business, not this test's).
    expect(Date.now() - startedAt).toBeGreaterThan(500);
  });
});
