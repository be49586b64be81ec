import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { JobBackend, JobName, JobQueue, QueueName, loadConfig } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { RecurringTransferProcessor } from '../libs/transfers/src/infrastructure/recurring-transfer.processor';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const DAY_MS = 86_400_000;

interface Execution {
  occurrenceAt: string;
  status: string;
  transferId: string | null;
  failureCode: string | null;
}

describe('recurring transfers: each occurrence is a job that pays exactly once', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let alice: Customer;
  let bob: Customer;
  let carol: Customer;

  beforeAll(async () => {
    // No retries here: a refusal for funds is skipped at once (test/recurring-insufficient-funds-* retries).
    t = await startTestApp({ RECURRING_RETRY_ATTEMPTS: '0' });
    // With Redis the processors live in apps/worker: start its module as a second process would.
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    [alice, bob, carol] = [await onboard(t, 'alice'), await onboard(t, 'bob'), await onboard(t, 'carol')];
    await deposit(t, alice, '100.00');
    await deposit(t, carol, '1.00');
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  const queue = () => t.app.get(JobBackend).queue(QueueName.RecurringTransfers);
  const jobIdOf = (id: string, occurrenceAt: string) => `recurring:${id}:${new Date(occurrenceAt).getTime()}`;

  async function create(customer: Customer, body: Record<string, unknown>) {
    const response = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(customer))
      .set('Idempotency-Key', randomUUID())
      .send(body)
      .expect(201);
    return response.body.recurring as { id: string; startAt: string; nextRunAt: string | null };
  }

  async function show(customer: Customer, id: string) {
    const response = await t.http().get(`/api/recurring/${id}`).set(auth(customer)).expect(200);
    return response.body as {
      recurring: { status: string; nextRunAt: string | null; occurrencesRun: number };
      executions: Execution[];
    };
  }

  function executionFinished(customer: Customer, id: string) {
    return waitFor(`an execution of ${id}`, async () => {
      const { executions } = await show(customer, id);
      return executions.find((e) => ['completed', 'failed', 'skipped'].includes(e.status));
    });
  }

  async function finishedJob(jobId: string): Promise<Job> {
    return waitFor(`job ${jobId} to finish`, async () => {
      const job = (await queue().getJob(jobId)) as Job | undefined;
      return job?.finishedOn ? job : undefined;
    });
  }

  async function transfersSentBy(customer: Customer): Promise<number> {
    const [{ count }] = (await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS count FROM transfers WHERE sender_user_id = $1`, [
        customer.userId,
      ])) as Array<{ count: number }>;
    return count;
  }

  let firstScheduleId: string;

  it('pays a daily schedule about a second after startAt, once, and shows the execution', async () => {
    const startAt = new Date(Date.now() + 1_000).toISOString();
    const created = await create(alice, {
      to: bob.email,
      amount: '12.34',
      currency: 'USDC',
      frequency: 'daily',
      startAt,
      note: 'rent share',
    });
    firstScheduleId = created.id;
    expect(created.nextRunAt).toBe(startAt);
    // A second job declared for the same occurrence is the same job (BullMQ dedupes by id) …
    const jobId = jobIdOf(created.id, startAt);
    expect(
      await t.app.get(JobQueue).enqueue(JobName.RunRecurringTransfer, { scheduleId: created.id }, { jobId }),
    ).toBe(jobId);
    // … and a job without an occurrence in its id (a re-driven dead letter) runs whatever is due: the same one.
    const undated = await t.app
      .get(JobQueue)
      .enqueue(JobName.RunRecurringTransfer, { scheduleId: created.id }, { delay: 1_500 });

    const execution = await executionFinished(alice, created.id);
    expect(execution).toMatchObject({ occurrenceAt: startAt, status: 'completed', failureCode: null });
    const job = await finishedJob(jobId);
    expect(job.returnvalue).toMatchObject({ outcome: 'completed', transferId: execution.transferId });

    const { recurring, executions } = await show(alice, created.id);
    expect(executions).toHaveLength(1);
    expect(recurring).toMatchObject({
      status: 'active',
      occurrencesRun: 1,
      nextRunAt: new Date(Date.parse(startAt) + DAY_MS).toISOString(),
    });
    const transfer = await t
      .http()
      .get(`/api/p2p-transfer/status/${execution.transferId}`)
      .set(auth(bob))
      .expect(200);
    expect(transfer.body.transfer).toMatchObject({
      status: 'completed',
      amount: '12.34',
      note: 'rent share',
    });
    // The undated job ran after, or raced with, the dated one: it paid nothing more.
    const other = (await finishedJob(undated)).returnvalue as { outcome: string; transferId?: string };
    expect(['skipped', 'already-ran', 'completed']).toContain(other.outcome);
    if (other.transferId) expect(other.transferId).toBe(execution.transferId);
    expect(await transfersSentBy(alice)).toBe(1);
    expect((await balanceOf(t, alice))?.total).toBe('87.66');
    expect((await balanceOf(t, bob))?.total).toBe('12.34');
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('runs the same occurrence again as a no-op: a second job with its id, and two runs at once after a crash', async () => {
    const { executions } = await show(alice, firstScheduleId);
    const [paid] = executions;
    const jobId = jobIdOf(firstScheduleId, paid.occurrenceAt);

    // A job for an occurrence that already ran (the first one removed, so BullMQ takes the second).
    await ((await queue().getJob(jobId)) as Job).remove();
    await t.app
      .get(JobQueue)
      .enqueue(JobName.RunRecurringTransfer, { scheduleId: firstScheduleId }, { jobId });
    expect((await finishedJob(jobId)).returnvalue).toMatchObject({
      outcome: 'already-ran',
      transferId: paid.transferId,
    });

    // A worker that crashed after paying but before recording: the execution is still "processing". Two
    // workers pick the occurrence up at once; the idempotency key replays the transfer that was made.
    await t.app.get(DataSource).query(
      `UPDATE recurring_transfer_executions SET status = 'processing', transfer_id = NULL, finished_at = NULL
          WHERE schedule_id = $1`,
      [firstScheduleId],
    );
    const processor = t.app.get(RecurringTransferProcessor);
    const runs = await Promise.all(
      [1, 2].map(() => processor.run({ scheduleId: firstScheduleId }, { id: jobId } as Job)),
    );
    expect(runs.map((run) => run.transferId)).toEqual([paid.transferId, paid.transferId]);
    expect(runs.map((run) => run.outcome).sort()).toEqual(['already-ran', 'completed']);

    const after = await show(alice, firstScheduleId);
    expect(after.executions).toEqual([{ ...paid, finishedAt: expect.any(String) }]);
    expect(after.recurring.occurrencesRun).toBe(1);
    expect(await transfersSentBy(alice)).toBe(1);
    expect((await balanceOf(t, alice))?.total).toBe('87.66');
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('pays a fresh occurrence once when its job and two direct runs race for it', async () => {
    const startAt = new Date(Date.now() - 500).toISOString(); // within the minute of grace: due at once
    const created = await create(alice, { to: bob.userId, amount: '1.01', frequency: 'weekly', startAt });
    const processor = t.app.get(RecurringTransferProcessor);
    const jobId = jobIdOf(created.id, startAt);
    const runs = await Promise.all(
      [1, 2].map(() => processor.run({ scheduleId: created.id }, { id: jobId } as Job)),
    );
    await finishedJob(jobId);
    const execution = await executionFinished(alice, created.id);
    expect(execution.status).toBe('completed');
    for (const run of runs) {
      if (run.transferId !== undefined) expect(run.transferId).toBe(execution.transferId);
    }
    expect(await transfersSentBy(alice)).toBe(2);
    expect((await balanceOf(t, alice))?.total).toBe('86.65');
    expect((await balanceOf(t, bob))?.total).toBe('13.35');
    const { recurring } = await show(alice, created.id);
    expect(recurring).toMatchObject({
      occurrencesRun: 1,
      nextRunAt: new Date(Date.parse(startAt) + 7 * DAY_MS).toISOString(),
    });
    await t.http().delete(`/api/recurring/${created.id}`).set(auth(alice)).expect(200);
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('records a refused occurrence (insufficient funds, no retries configured) as skipped and goes on to the next one', async () => {
    const startAt = new Date(Date.now() + 1_000).toISOString();
    const created = await create(carol, { to: bob.email, amount: '5.00', frequency: 'monthly', startAt });
    const execution = await executionFinished(carol, created.id);
    expect(execution).toMatchObject({
      occurrenceAt: startAt,
      status: 'skipped',
      failureCode: 'INSUFFICIENT_FUNDS',
      attempts: 1,
    });
    expect(execution.transferId).toEqual(expect.any(String));
    const { recurring } = await show(carol, created.id);
    expect(recurring.status).toBe('active');
    expect(recurring.occurrencesRun).toBe(1);
    expect(Date.parse(recurring.nextRunAt ?? '')).toBeGreaterThan(Date.parse(startAt) + 27 * DAY_MS);
    const transfer = await t
      .http()
      .get(`/api/p2p-transfer/status/${execution.transferId}`)
      .set(auth(carol))
      .expect(200);
    expect(transfer.body.transfer).toMatchObject({
      status: 'failed',
      failure: { code: 'INSUFFICIENT_FUNDS' },
    });
    expect((await balanceOf(t, carol))?.total).toBe('1.00');
    await expectBooksBalanced(t, [carol, bob]);
  });

  it('skips an occurrence that falls while paused, and plans the next one on resume', async () => {
    const startAt = new Date(Date.now() + 1_500).toISOString();
    const created = await create(alice, { to: bob.email, amount: '2.00', frequency: 'daily', startAt });
    const paused = await t
      .http()
      .put(`/api/recurring/${created.id}`)
      .set(auth(alice))
      .send({ status: 'paused' })
      .expect(200);
    expect(paused.body.recurring).toMatchObject({ status: 'paused', nextRunAt: null });

    const job = await finishedJob(jobIdOf(created.id, startAt));
    expect(job.returnvalue).toMatchObject({ outcome: 'skipped', reason: 'schedule is paused' });
    const { executions } = await show(alice, created.id);
    expect(executions).toEqual([]);
    expect((await balanceOf(t, alice))?.total).toBe('86.65');

    const resumed = await t
      .http()
      .put(`/api/recurring/${created.id}`)
      .set(auth(alice))
      .send({ status: 'active' })
      .expect(200);
    expect(resumed.body.recurring).toMatchObject({
      status: 'active',
      occurrencesRun: 0,
      nextRunAt: new Date(Date.parse(startAt) + DAY_MS).toISOString(),
    });
    await t.http().delete(`/api/recurring/${created.id}`).set(auth(alice)).expect(200);
  });

  it('cancels: status cancelled, no more occurrences, the history stays', async () => {
    const before = await show(alice, firstScheduleId);
    const pendingJob = jobIdOf(firstScheduleId, before.recurring.nextRunAt ?? '');
    const cancelled = await t.http().delete(`/api/recurring/${firstScheduleId}`).set(auth(alice)).expect(200);
    expect(cancelled.body.recurring).toMatchObject({
      status: 'cancelled',
      nextRunAt: null,
      occurrencesRun: 1,
    });
    const again = await t.http().delete(`/api/recurring/${firstScheduleId}`).set(auth(alice)).expect(200);
    expect(again.body.recurring.status).toBe('cancelled');
    const edit = await t
      .http()
      .put(`/api/recurring/${firstScheduleId}`)
      .set(auth(alice))
      .send({ amount: '1.00' })
      .expect(409);
    expect(edit.body.error.code).toBe('RECURRING_TRANSFER_CLOSED');

    // The job of the next occurrence, should it run anyway, pays nothing.
    const run = await t.app
      .get(RecurringTransferProcessor)
      .run({ scheduleId: firstScheduleId }, { id: pendingJob } as Job);
    expect(run).toMatchObject({ outcome: 'skipped', reason: 'schedule is cancelled' });
    const after = await show(alice, firstScheduleId);
    expect(after.executions).toEqual(before.executions);
    expect((await balanceOf(t, alice))?.total).toBe('86.65');
  });

  it('re-declares, at start-up, an overdue occurrence whose job was lost, and pays it once', async () => {
    const created = await create(alice, {
      to: bob.email,
      amount: '1.00',
      frequency: 'daily',
      startAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    // The queue lost the job (a Redis without persistence restarted) and the occurrence is now two minutes overdue.
    const futureJob = (await queue().getJob(jobIdOf(created.id, created.startAt))) as Job;
    await futureJob.remove();
    const overdue = new Date(Date.now() - 120_000);
    await t.app
      .get(DataSource)
      .query(`UPDATE recurring_transfers SET start_at = $2, next_run_at = $2 WHERE id = $1`, [
        created.id,
        overdue,
      ]);

    expect(await t.app.get(RecurringTransferProcessor).recover()).toBeGreaterThanOrEqual(1);
    const execution = await executionFinished(alice, created.id);
    expect(execution).toMatchObject({ occurrenceAt: overdue.toISOString(), status: 'completed' });
    // Not made up day by day: the next run is planned from now.
    const { recurring } = await show(alice, created.id);
    expect(recurring).toMatchObject({
      occurrencesRun: 1,
      nextRunAt: new Date(overdue.getTime() + DAY_MS).toISOString(),
    });
    expect(await t.app.get(RecurringTransferProcessor).recover()).toBe(0);
    expect((await balanceOf(t, alice))?.total).toBe('85.65');
    await t.http().delete(`/api/recurring/${created.id}`).set(auth(alice)).expect(200);
  });

  it('completes the schedule after its last occurrence (maxOccurrences)', async () => {
    const startAt = new Date(Date.now() + 1_000).toISOString();
    const created = await create(alice, {
      to: bob.email,
      amount: '0.65',
      frequency: 'biweekly',
      startAt,
      maxOccurrences: 1,
    });
    const execution = await executionFinished(alice, created.id);
    expect(execution.status).toBe('completed');
    const { recurring } = await show(alice, created.id);
    expect(recurring).toMatchObject({ status: 'completed', nextRunAt: null, occurrencesRun: 1 });
    expect((await balanceOf(t, alice))?.total).toBe('85.00');
    expect((await balanceOf(t, bob))?.total).toBe('15.00');
    await expectBooksBalanced(t, [alice, bob, carol]);
  });
});
