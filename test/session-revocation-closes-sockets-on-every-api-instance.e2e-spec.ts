import { claimsOf, RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { newUser } from './support/test-app';
import { startTwoInstances, type Instance } from './support/two-instances';

describe('a revoked session’s sockets close at once on every API instance (each reads the outbox for its own sockets)', () => {
  let close: (() => Promise<void>) | undefined;
  let a: Instance;
  let b: Instance;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    ({ a, b, close } = await startTwoInstances());
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await close?.();
  });

  it('DELETE /api/auth/sessions/:id through instance A disconnects that session’s socket on instance B within a second', async () => {
    const user = newUser('replicas');
    await a.http().post('/api/auth/register').send(user).expect(201);
    const laptop = await a.http().post('/api/auth/login').set('User-Agent', 'laptop').send(user).expect(200);
    const phone = await b.http().post('/api/auth/login').set('User-Agent', 'phone').send(user).expect(200);
    const phoneSocket = await RealtimeClient.connect(b.url, phone.body.accessToken);
    const laptopSocket = await RealtimeClient.connect(b.url, laptop.body.accessToken);
    clients.push(phoneSocket, laptopSocket);

    await a
      .http()
      .delete(`/api/auth/sessions/${claimsOf(phone.body.accessToken).sid}`)
      .set('Authorization', `Bearer ${laptop.body.accessToken}`)
      .expect(200);
    // Closed by the revocation itself (the token would have lived for minutes more).
    expect(await phoneSocket.disconnected(10_000)).toBe('io server disconnect');
    expect(phoneSocket.of('system.alert')).toEqual([
      { code: 'SESSION_REVOKED', message: expect.any(String) },
    ]);
    // The other session's socket on B stays, and so does its token on either instance.
    expect(laptopSocket.socket.connected).toBe(true);
    await b.http().get('/api/auth/me').set('Authorization', `Bearer ${laptop.body.accessToken}`).expect(200);
    await b.http().get('/api/auth/me').set('Authorization', `Bearer ${phone.body.accessToken}`).expect(401);
  });

  it('a password change through instance B closes the other sessions’ sockets on instance A', async () => {
    const user = newUser('replicas-password');
    await a.http().post('/api/auth/register').send(user).expect(201);
    const here = await b.http().post('/api/auth/login').send(user).expect(200);
    const there = await a.http().post('/api/auth/login').send(user).expect(200);
    const thereSocket = await RealtimeClient.connect(a.url, there.body.accessToken);
    const hereSocket = await RealtimeClient.connect(a.url, here.body.accessToken);
    clients.push(thereSocket, hereSocket);
    await b
      .http()
      .post('/api/auth/password')
      .set('Authorization', `Bearer ${here.body.accessToken}`)
      .send({ currentPassword: user.password, newPassword: 'a-brand-new-passphrase' })
      .expect(200);
    expect(await thereSocket.disconnected(1_000)).toBe('io server disconnect');
    expect(hereSocket.socket.connected).toBe(true);
  });
});
