import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { randomUUID } from 'node:crypto';
import { auth, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('limits hold under concurrency', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startTestApp({
      LIMIT_TIERS: JSON.stringify({
        // Deposits follow the level's amounts unless told otherwise: the funding deposit below is not what is tested.
        '1': {
          perTransaction: '80.00',
          daily: '100.00',
          monthly: '1000.00',
          maxPerHour: 5,
          deposit: { perTransaction: '2000.00', daily: '2000.00', monthly: '2000.00' },
        },
      }),
    });
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '1000.00');
  });
  afterAll(() => t.close());

  const send = (amount: string, key = randomUUID()) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', key)
      .send({ to: bob.email, amount });

  itRacesOnPostgres(
    'lets exactly one of two concurrent transfers through when together they exceed the daily limit',
    async () => {
      const [first, second] = await Promise.all([send('60.00'), send('60.00')]);
      expect([first.status, second.status].sort()).toEqual([201, 422]);
      const refused = first.status === 422 ? first : second;
      expect(refused.body.error).toMatchObject({
        code: 'LIMIT_EXCEEDED',
        details: { limit: 'daily', limitUSD: '100.00' },
      });
      const limits = await t.http().get('/api/wallet/limits').set(auth(alice)).expect(200);
      expect(limits.body.daily).toEqual({
        limit: '100.00',
        used: '60.00',
        remaining: '40.00',
        resetsAt: expect.any(String),
      });
      await expectBooksBalanced(t, [alice, bob]);
    },
  );

  it('refuses an amount over the per-transaction limit', async () => {
    const response = await send('80.01').expect(422);
    expect(response.body.error.details.limit).toBe('perTransaction');
  });

  it('counts velocity: at most maxPerHour transfers an hour', async () => {
    // What this hour already counted (the 60.00 of the race above, which runs on PostgreSQL only).
    const before = await t.http().get('/api/wallet/limits').set(auth(alice)).expect(200);
    const left = 5 - (before.body.velocity.usedThisHour as number);
    const statuses: number[] = [];
    for (let i = 0; i <= left; i += 1) statuses.push((await send('1.00')).status);
    expect(statuses).toEqual([...Array.from({ length: left }, () => 201), 422]);
    const last = await send('1.00');
    expect(last.body.error.code).toBe('VELOCITY_EXCEEDED');
    const limits = await t.http().get('/api/wallet/limits').set(auth(alice)).expect(200);
    expect(limits.body.velocity).toEqual({ maxPerHour: 5, usedThisHour: 5, resetsAt: expect.any(String) });
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('lets a user lower their limits but never above the tier', async () => {
    const lowered = await t
      .http()
      .put('/api/wallet/limits')
      .set(auth(bob))
      .send({ daily: '50.00' })
      .expect(200);
    expect(lowered.body.daily.limit).toBe('50.00');
    const above = await t
      .http()
      .put('/api/wallet/limits')
      .set(auth(bob))
      .send({ monthly: '1000.01' })
      .expect(422);
    expect(above.body.error.code).toBe('LIMIT_ABOVE_TIER');
  });
});
