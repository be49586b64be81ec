import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Job } from 'bullmq';
import { JobBackend, QueueName, loadConfig } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { auth, deposit, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  channels: string[];
  createdAt: string;
  readAt: string | null;
}

const LEAD_MS = 2_000;

describe('notifications: a reminder before a recurring transfer, a success after it, read privately', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let url: string;
  let alice: Customer;
  let bob: Customer;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ RECURRING_REMINDER_LEAD_MS: String(LEAD_MS) });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    // Only the reminders category in the inbox: the deposit and each transfer notify too (transactions, rewards).
    for (const customer of [alice, bob]) {
      await t
        .http()
        .put('/api/notifications/preferences')
        .set(auth(customer))
        .send({
          channels: {
            transactions: { in_app: false, email: false, push: false },
            rewards: { in_app: false, push: false },
          },
        })
        .expect(200);
    }
    await deposit(t, alice, '100.00');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await worker?.close();
    await t.close();
  });

  async function create(customer: Customer, body: Record<string, unknown>) {
    const response = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(customer))
      .set('Idempotency-Key', randomUUID())
      .send(body)
      .expect(201);
    return response.body.recurring as { id: string; startAt: string };
  }

  async function list(customer: Customer, query = '') {
    const response = await t.http().get(`/api/notifications${query}`).set(auth(customer)).expect(200);
    return response.body as { notifications: Notification[]; unreadCount: number; nextCursor: string | null };
  }

  let reminderId: string;
  let succeededId: string;

  it('sends the reminder before the occurrence runs, then the success notification, over the socket and HTTP', async () => {
    const socket = await RealtimeClient.connect(url, alice.token);
    clients.push(socket);
    const startAt = new Date(Date.now() + LEAD_MS + 2_000).toISOString();
    const created = await create(alice, { to: bob.email, amount: '12.34', frequency: 'daily', startAt });

    const succeeded = await socket.until(
      'notification.created (recurring.succeeded)',
      () => socket.of('notification.created').find((n) => n.kind === 'recurring.succeeded'),
      20_000,
    );
    const pushed = socket.of('notification.created');
    expect(pushed.map((n) => n.kind)).toEqual(['recurring.reminder', 'recurring.succeeded']);
    const [reminder] = pushed;
    // The reminder was created before the occurrence was due; the success after it ran.
    expect(Date.parse(reminder.createdAt)).toBeLessThan(Date.parse(startAt));
    expect(Date.parse(succeeded.createdAt)).toBeGreaterThanOrEqual(Date.parse(startAt));
    expect(reminder).toMatchObject({
      title: 'Upcoming recurring transfer',
      data: { scheduleId: created.id, occurrenceAt: startAt, amount: '12.34', currency: 'USDC' },
    });
    expect(succeeded.data).toMatchObject({ scheduleId: created.id, occurrenceAt: startAt, amount: '12.34' });
    expect(succeeded.data.transferId).toEqual(expect.any(String));

    const page = await list(alice);
    expect(page.unreadCount).toBe(2);
    expect(page.nextCursor).toBeNull();
    expect(page.notifications).toEqual([
      {
        id: succeeded.id,
        kind: 'recurring.succeeded',
        title: succeeded.title,
        body: succeeded.body,
        data: succeeded.data,
        channels: ['in_app'],
        createdAt: succeeded.createdAt,
        readAt: null,
      },
      {
        id: reminder.id,
        kind: 'recurring.reminder',
        title: reminder.title,
        body: reminder.body,
        data: reminder.data,
        channels: ['in_app'],
        createdAt: reminder.createdAt,
        readAt: null,
      },
    ]);
    [succeededId, reminderId] = [succeeded.id, reminder.id];
    await t.http().delete(`/api/recurring/${created.id}`).set(auth(alice)).expect(200);
  });

  it('pages newest first with a cursor', async () => {
    const first = await list(alice, '?limit=1');
    expect(first.notifications.map((n) => n.id)).toEqual([succeededId]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await list(alice, `?limit=1&cursor=${first.nextCursor}`);
    expect(second.notifications.map((n) => n.id)).toEqual([reminderId]);
    expect(second.nextCursor).toBeNull();
    await t.http().get('/api/notifications?limit=0').set(auth(alice)).expect(400);
    await t.http().get('/api/notifications?unread=maybe').set(auth(alice)).expect(400);
  });

  it('marks a notification read, idempotently, and only for its owner', async () => {
    const read = await t.http().post(`/api/notifications/${succeededId}/read`).set(auth(alice)).expect(200);
    expect(read.body).toMatchObject({ success: true, notification: { id: succeededId } });
    const readAt = read.body.notification.readAt as string;
    expect(Date.parse(readAt)).not.toBeNaN();
    const again = await t.http().post(`/api/notifications/${succeededId}/read`).set(auth(alice)).expect(200);
    expect(again.body.notification.readAt).toBe(readAt);

    const unread = await list(alice, '?unread=true');
    expect(unread.notifications.map((n) => n.id)).toEqual([reminderId]);
    expect(unread.unreadCount).toBe(1);

    // Another user's, unknown or malformed ids: the same 404, and nothing changes.
    const foreign = await t.http().post(`/api/notifications/${reminderId}/read`).set(auth(bob)).expect(404);
    expect(foreign.body).toMatchObject({ success: false, error: { code: 'NOT_FOUND' } });
    await t
      .http()
      .post('/api/notifications/00000000-0000-4000-8000-000000000000/read')
      .set(auth(alice))
      .expect(404);
    await t.http().post('/api/notifications/not-a-uuid/read').set(auth(alice)).expect(404);
    expect((await list(alice, '?unread=true')).unreadCount).toBe(1);
    expect(await list(bob)).toMatchObject({ notifications: [], unreadCount: 0, nextCursor: null });
    await t.http().get('/api/notifications').expect(401);
  });

  it('sends no reminder for an occurrence whose schedule was paused before the reminder was due', async () => {
    const startAt = new Date(Date.now() + LEAD_MS + 1_500).toISOString();
    const created = await create(alice, { to: bob.email, amount: '1.00', frequency: 'weekly', startAt });
    await t
      .http()
      .put(`/api/recurring/${created.id}`)
      .set(auth(alice))
      .send({ status: 'paused' })
      .expect(200);
    const queue = t.app.get(JobBackend).queue(QueueName.RecurringTransfers);
    const jobId = `reminder:${created.id}:${Date.parse(startAt)}`;
    const job = await waitFor(`job ${jobId} to finish`, async () => {
      const found = (await queue.getJob(jobId)) as Job | undefined;
      return found?.finishedOn ? found : undefined;
    });
    expect(job.returnvalue).toEqual({ reminded: false });
    const { notifications } = await list(alice, '?limit=100');
    expect(notifications.filter((n) => n.data.scheduleId === created.id)).toEqual([]);
  });
});
