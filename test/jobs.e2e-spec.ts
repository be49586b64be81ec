import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import {
  JobBackend,
  JobName,
  JobQueue,
  QueueName,
  TABLE_MAINTENANCE_EVERY_MS,
  loadConfig,
} from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { newUser, startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('jobs: BullMQ on Redis, or on PostgreSQL in the embedded default', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;

  beforeAll(async () => {
    t = await startTestApp();
    // With Redis the processors live in apps/worker: start its module as a second process would.
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  it('uses the backend the configuration asks for', () => {
    expect(t.app.get(JobBackend).kind).toBe(t.env.REDIS_URL ? 'redis' : 'postgres');
  });

  it('declares the daily purge schedule once, however often it starts', async () => {
    const queue = t.app.get(JobBackend).queue(QueueName.Maintenance);
    const schedulers = await queue.getJobSchedulers();
    expect(schedulers.filter((s: { key: string }) => s.key === JobName.PurgeExpiredSessions)).toHaveLength(1);
  });

  it('runs an enqueued job in a worker: expired refresh tokens are purged, live ones kept', async () => {
    const dataSource = t.app.get(DataSource);
    const expired = await t.http().post('/api/auth/register').send(newUser('expired')).expect(201);
    const live = await t.http().post('/api/auth/register').send(newUser('live')).expect(201);
    await dataSource.query(
      `UPDATE refresh_tokens SET expires_at = now() - interval '30 days'
        WHERE session_id IN (SELECT id FROM auth_sessions WHERE user_id = $1)`,
      [expired.body.user.id],
    );
    const countFor = async (userId: string) => {
      const [{ count }] = (await dataSource.query(
        `SELECT count(*)::int AS count FROM refresh_tokens t JOIN auth_sessions s ON s.id = t.session_id WHERE s.user_id = $1`,
        [userId],
      )) as Array<{ count: number }>;
      return count;
    };
    expect(await countFor(expired.body.user.id)).toBe(1);

    const jobId = await t.app.get(JobQueue).enqueue(JobName.PurgeExpiredSessions, { retentionDays: 7 });
    const queue = t.app.get(JobBackend).queue(QueueName.Maintenance);
    const finished = await waitFor('the purge job to finish', async () => {
      const job = await queue.getJob(jobId);
      return job?.finishedOn ? job : undefined;
    });
    expect(finished.returnvalue).toEqual({ deleted: expect.any(Number) });
    expect(await countFor(expired.body.user.id)).toBe(0);
    expect(await countFor(live.body.user.id)).toBe(1);
  });

  it('maintains the tables every 10 s where the database has no autovacuum (PGlite never has one)', async () => {
    const queue = t.app.get(JobBackend).queue(QueueName.Maintenance);
    const schedulers = (await queue.getJobSchedulers()) as Array<{ key: string; every?: number | string }>;
    expect(schedulers.filter((s) => s.key === JobName.MaintainTables).map((s) => Number(s.every))).toEqual([
      TABLE_MAINTENANCE_EVERY_MS,
    ]);

    const dataSource = t.app.get(DataSource);
    const [{ autovacuum }] = (await dataSource.query(`SHOW autovacuum`)) as Array<{ autovacuum: string }>;
    const autovacuumRuns = Boolean(t.env.DATABASE_URL) && autovacuum === 'on';
    const jobId = await t.app.get(JobQueue).enqueue(JobName.MaintainTables, {});
    const finished = await waitFor('the maintenance job to finish', async () => {
      const job = await queue.getJob(jobId);
      return job?.finishedOn ? job : undefined;
    });
    expect(finished.returnvalue).toMatchObject({ ran: !autovacuumRuns, failed: [] });
  });
});
