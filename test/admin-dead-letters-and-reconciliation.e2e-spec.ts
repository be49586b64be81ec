import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { Users } from '#monay/identity';
import {
  JobBackend,
  JobName,
  JobQueue,
  OutboxRelay,
  OutboxWriter,
  QueueName,
  loadConfig,
} from '#monay/shared';
import { DataSource } from 'typeorm';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { auth, deposit, onboard, type Customer } from './support/money';
import { registerAdmin } from './support/admin';
import { newUser, startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('admin: dead-lettered jobs, re-drive, reconciliation', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let admin: { token: string };
  let customer: Customer;

  beforeAll(async () => {
    // A consumer that fails on an event is parked after two quick tries (the last test makes one fail).
    t = await startTestApp({ EVENT_CONSUMER_ATTEMPTS: '2', EVENT_CONSUMER_BACKOFF_MS: '20' });
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    admin = await registerAdmin(t);
    customer = await onboard(t, 'customer');
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  const asAdmin = () => ({ Authorization: `Bearer ${admin.token}` });

  it('keeps the admin routes for admins: 401 without a token, 403 FORBIDDEN for a customer', async () => {
    await t.http().get('/api/admin/jobs/dead-letter').expect(401);
    const forbidden = await t.http().get('/api/admin/jobs/dead-letter').set(auth(customer)).expect(403);
    expect(forbidden.body.error.code).toBe('FORBIDDEN');
    await t.http().get('/api/admin/jobs/dead-letter').set(asAdmin()).expect(200);
  });

  it('dead-letters a job that failed every attempt, lists it, and re-drives it', async () => {
    const jobs = t.app.get(JobQueue);
    // A negative LIMIT makes the hold-expiry query fail on every attempt.
    const jobId = await jobs.enqueue(
      JobName.ExpireHolds,
      { limit: -1 },
      { attempts: 2, backoff: { type: 'fixed', delay: 50 } },
    );
    const letter = await waitFor('the dead letter', async () => {
      const response = await t.http().get('/api/admin/jobs/dead-letter').set(asAdmin()).expect(200);
      return (response.body.jobs as Array<{ id: string; jobId: string }>).find((job) => job.jobId === jobId);
    });
    expect(letter).toMatchObject({
      queue: QueueName.Ledger,
      name: JobName.ExpireHolds,
      payload: { limit: -1 },
      attemptsMade: 2,
      failedReason: expect.stringMatching(/LIMIT/i),
    });

    const retried = await t
      .http()
      .post(`/api/admin/jobs/dead-letter/${letter.id}/retry`)
      .set(asAdmin())
      .expect(200);
    expect(retried.body).toMatchObject({
      success: true,
      name: JobName.ExpireHolds,
      requeuedAs: expect.any(String),
    });
    const after = await t.http().get('/api/admin/jobs/dead-letter').set(asAdmin()).expect(200);
    expect((after.body.jobs as Array<{ id: string }>).some((job) => job.id === letter.id)).toBe(false);
    const again = await t
      .http()
      .post(`/api/admin/jobs/dead-letter/${letter.id}/retry`)
      .set(asAdmin())
      .expect(404);
    expect(again.body.error.code).toBe('NOT_FOUND');
  });

  it('reconciles the ledger and the read models in a job', async () => {
    const bob = await onboard(t, 'bob');
    await deposit(t, customer, '25.00');
    await t
      .http()
      .post('/api/consumer/transfer')
      .set(auth(customer))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.email, amount: '5.00' })
      .expect(201);
    const jobId = await t.app.get(JobQueue).enqueue(JobName.ReconcileLedger, {});
    const queue = t.app.get(JobBackend).queue(QueueName.Ledger);
    const job = await waitFor('the reconciliation job to finish', async () => {
      const found = await queue.getJob(jobId);
      return found?.finishedOn ? found : undefined;
    });
    expect(job.returnvalue).toMatchObject({ ok: true, ledgerBreaches: [], portfolioMismatches: [] });
  });

  it('grants the admin role to an existing user (npm run user:grant-admin)', async () => {
    const user = newUser('promoted');
    await t.http().post('/api/auth/register').send(user).expect(201);
    await t.app.get(Users).grantRole(user.email, 'admin');
    const login = await t.http().post('/api/auth/login').send(user).expect(200);
    expect(login.body.user.roles).toEqual(['admin']);
    await t
      .http()
      .get('/api/admin/jobs/dead-letter')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
  });

  it('parks an event the projections cannot take, goes on with the journal, and lists it for a re-drive', async () => {
    // An event no release would write (a currency outside the registry): every projection of history fails on it.
    await t.app.get(DataSource).transaction((tx) =>
      t.app.get(OutboxWriter).append(tx, [
        {
          type: 'WalletCredited',
          aggregateId: randomUUID(),
          userIds: [customer.userId],
          payload: {
            userId: customer.userId,
            currency: 'XXX' as 'USDC',
            amount: '1.00',
            fee: '0',
            provider: 'test',
            ledgerTransactionId: randomUUID(),
          },
        },
      ]),
    );
    await t.app.get(OutboxRelay).drain(20_000);
    // The journal went on: a deposit after it reaches the customer's history.
    await deposit(t, customer, '3.00');
    await waitFor('the deposit in history', async () => {
      const history = await t.http().get('/api/transactions').set(auth(customer)).expect(200);
      return history.body.transactions.some((line: { amount: string }) => line.amount === '3.00')
        ? true
        : undefined;
    });

    const listed = await t.http().get('/api/admin/events/parked').set(asAdmin()).expect(200);
    const parked = listed.body.events as Array<{
      id: string;
      consumer: string;
      eventType: string;
      attempts: number;
    }>;
    expect(parked.length).toBeGreaterThan(0);
    expect(parked.every((event) => event.eventType === 'WalletCredited' && event.attempts === 2)).toBe(true);
    expect(parked.map((event) => event.consumer)).toContain('insights.activity');
    const again = await t
      .http()
      .post(`/api/admin/events/parked/${parked[0].id}/retry`)
      .set(asAdmin())
      .expect(422);
    expect(again.body.error.code).toBe('EVENT_STILL_FAILS');
    await t.http().post(`/api/admin/events/parked/${randomUUID()}/retry`).set(asAdmin()).expect(404);
    await t.http().get('/api/admin/events/parked').set(auth(customer)).expect(403);
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(new RegExp(`monay_events_parked ${parked.length}`));
  });
});
