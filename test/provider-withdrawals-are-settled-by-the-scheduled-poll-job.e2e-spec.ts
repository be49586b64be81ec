import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { JobBackend, JobName, JobQueue, QueueName, loadConfig } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  expectClearingMirrorsProviders,
  providerJobResultsSince,
  startProviderTestApp,
  withdrawRequest,
} from './support/provider-movements';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('provider withdrawals are settled by the scheduled poll job (in the worker with Redis)', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let alice: Customer;

  beforeAll(async () => {
    // No in-process poll for ten minutes and no settle wait: only the job can settle what answered 202.
    ({ t } = await startProviderTestApp({
      PROVIDER_SETTLE_WAIT_MS: '0',
      PROVIDER_POLL_INTERVAL_MS: '600000',
    }));
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    alice = await onboard(t, 'alice');
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  it('declares the every-minute poll schedule once', async () => {
    const queue = t.app.get(JobBackend).queue(QueueName.Providers);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s: { key: string }) => s.key === JobName.PollProviderTransactions)).toEqual([
      expect.objectContaining({ pattern: '* * * * *' }),
    ]);
  });

  it('a job run finds Circle done with a 202 withdrawal and posts it', async () => {
    const dataSource = t.app.get(DataSource);
    // Funded through the job too: the deposit answers 202 (no settle wait).
    const funding = await t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(alice))
      .set('Idempotency-Key', 'funding-1')
      .send({ amount: '60.00', currency: 'USDC' })
      .expect(202);
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(alice))
      .send({ preferredProvider: 'circle' })
      .expect(200);

    // "A minute later": the movements are due for a check.
    const runJob = async () => {
      await dataSource.query(
        `UPDATE provider_movements SET next_poll_at = now() WHERE status IN ('pending', 'processing')`,
      );
      const jobId = await t.app.get(JobQueue).enqueue(JobName.PollProviderTransactions, { limit: 100 });
      const queue = t.app.get(JobBackend).queue(QueueName.Providers);
      return waitFor('the poll job to finish', async () => {
        const job = await queue.getJob(jobId);
        return job?.finishedOn ? job : undefined;
      });
    };
    await waitFor('the funding deposit to be credited by a job', async () => {
      await runJob();
      const got = await t.http().get(`/api/consumer/deposits/${funding.body.deposit.id}`).set(auth(alice));
      return got.body.deposit.status === 'completed' ? true : undefined;
    });
    expect((await balanceOf(t, alice))?.total).toBe('59.94');

    const withdrawnAt = Date.now();
    const response = await withdrawRequest(t, alice, { amount: '20.00' }).expect(202);
    const id = response.body.withdrawal.id as string;
    expect((await balanceOf(t, alice))?.available).toBe('38.94');
    await waitFor('a job run to post the withdrawal', async () => {
      await runJob();
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice));
      return got.body.withdrawal.status === 'completed' ? true : undefined;
    });
    // Exactly one job run settled it: one of ours, or the every-minute schedule's if a minute turned meanwhile.
    const runs = await providerJobResultsSince<{ settled: number }>(
      t,
      JobName.PollProviderTransactions,
      withdrawnAt,
    );
    expect(runs).toContainEqual({ checked: expect.any(Number), settled: 1, stuck: 0 });
    expect(runs.reduce((sum, run) => sum + run.settled, 0)).toBe(1);
    expect(await balanceOf(t, alice)).toEqual({
      currency: 'USDC',
      available: '38.94',
      pending: '0.00',
      total: '38.94',
    });
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });
});
