import { randomUUID } from 'node:crypto';
import { RealtimeAnnouncer } from '#monay/realtime';
import { OutboxRelay } from '#monay/shared';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { newUser } from './support/test-app';
import { startTwoInstances, type Instance } from './support/two-instances';

describe('realtime across API instances: each one reads the outbox for its own sockets (no Redis between them)', () => {
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
