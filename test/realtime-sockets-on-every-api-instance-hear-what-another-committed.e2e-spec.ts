import { randomUUID } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { DatabaseEndpoint, loadConfig, OutboxRelay } from '#monay/shared';
import { createTestEnvironment, type TestEnvironment } from '../libs/shared/src/testing';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { createApp } from '../apps/api/src/create-app';
import { newUser } from './support/test-app';
import { RealtimeAnnouncer } from '#monay/realtime';

interface Instance {
  app: NestExpressApplication;
  url: string;
  http: () => ReturnType<typeof request>;
}

/** One API process as production runs it, listening on a free port. */
async function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const app = await createApp(loadConfig(env));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), http: () => request(app.getHttpServer()) };
}

describe('realtime across API instances: each one reads the outbox for its own sockets (no Redis between them)', () => {
  let environment: TestEnvironment;
  let a: Instance;
  let b: Instance;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    environment = await createTestEnvironment();
    a = await startInstance(environment.env);
    // Same database and Redis prefix. Without DATABASE_URL, B uses A's embedded database over the wire.
    b = await startInstance({
      ...environment.env,
      DATABASE_URL: environment.env.DATABASE_URL ?? a.app.get(DatabaseEndpoint).url,
    });
    // B relays nothing: an event committed through A reaches a socket on B because B's announcer reads the outbox.
    await b.app.get(OutboxRelay).beforeApplicationShutdown();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await b?.app.close();
    await a?.app.close();
    await environment?.dispose();
  });

  const onboard = async (instance: Instance, prefix: string) => {
    const response = await instance.http().post('/api/consumer/onboard').send(newUser(prefix)).expect(201);
    return {
      userId: response.body.user.id as string,
      address: response.body.wallet.address as string,
      token: response.body.accessToken as string,
    };
  };

  it('delivers transfer.received to a recipient on instance B for a transfer made through instance A', async () => {
    const alice = await onboard(a, 'alice');
    const bob = await onboard(b, 'bob');
    await a
      .http()
      .post('/api/consumer/deposit')
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '10.00', currency: 'USDC' })
      .expect(201);
    // The deposit is history before anyone connects: published, and passed by both announcers.
    await a.app.get(OutboxRelay).drain();
    for (const instance of [a, b]) await instance.app.get(RealtimeAnnouncer).catchUp();
    const bobOnB = await RealtimeClient.connect(b.url, bob.token);
    const aliceOnA = await RealtimeClient.connect(a.url, alice.token);
    clients.push(bobOnB, aliceOnA);

    const sent = await a
      .http()
      .post('/api/p2p-transfer/send')
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.address, amount: '2.50', note: 'lunch' })
      .expect(201);

    expect(await bobOnB.nth('transfer.received')).toMatchObject({
      id: sent.body.transfer.id,
      from: { userId: alice.userId },
      amount: '2.50',
      currency: 'USDC',
      note: 'lunch',
    });
    expect(await bobOnB.nth('balance.updated')).toMatchObject({ currency: 'USDC', total: '2.50' });
    expect(await aliceOnA.nth('transaction.updated')).toMatchObject({
      id: sent.body.transfer.id,
      type: 'transfer_out',
    });
  });
});
