import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { loadConfig } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { RecurringTransferProcessor } from '../libs/transfers/src/infrastructure/recurring-transfer.processor';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';
import { withoutTransactionNotifications } from './support/notifications';
import { waitFor } from './support/wait';

interface Execution {
  occurrenceAt: string;
  status: string;
  transferId: string | null;
  failureCode: string | null;
  attempts: number;
}

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

describe('recurring transfers refused for funds: retried with backoff, then skipped, and paused after three in a row', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let url: string;
  let carol: Customer;
  let dave: Customer;
  let bob: Customer;
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    // Two retries (three attempts), 1 s then 2 s apart; no reminders here (see test/notifications-*).
    const overrides = {
      RECURRING_RETRY_ATTEMPTS: '2',
      RECURRING_RETRY_BACKOFF_MS: '1000',
      RECURRING_REMINDER_LEAD_MS: '0',
    };
    t = await startTestApp(overrides);
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    [carol, dave, bob] = [await onboard(t, 'carol'), await onboard(t, 'dave'), await onboard(t, 'bob')];
    // The inbox this suite reads holds the recurring (reminders) notifications only.
    await withoutTransactionNotifications(t, [carol, dave, bob]);
    await deposit(t, carol, '1.00');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await worker?.close();
    await t.close();
  });

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

  function finished(customer: Customer, id: string, occurrenceAt: string) {
    return waitFor(`the occurrence ${occurrenceAt} of ${id} to finish`, async () => {
      const { executions } = await show(customer, id);
      const execution = executions.find((e) => e.occurrenceAt === occurrenceAt);
      return execution && ['completed', 'failed', 'skipped'].includes(execution.status)
        ? execution
        : undefined;
    });
  }

  async function notifications(customer: Customer, query = '') {
    const response = await t.http().get(`/api/notifications${query}`).set(auth(customer)).expect(200);
    return response.body as { notifications: Notification[]; unreadCount: number; nextCursor: string | null };
  }

  function notified(customer: Customer, kind: string, scheduleId: string, count = 1) {
    return waitFor(`${count} ${kind} notification(s)`, async () => {
      const found = (await notifications(customer, '?limit=100')).notifications.filter(
        (n) => n.kind === kind && n.data.scheduleId === scheduleId,
      );
      return found.length >= count ? found : undefined;
    });
  }

  async function transfersSentBy(customer: Customer): Promise<Array<{ status: string }>> {
    return (await t.app
      .get(DataSource)
      .query(`SELECT status FROM transfers WHERE sender_user_id = $1`, [customer.userId])) as Array<{
      status: string;
    }>;
  }

  let scheduleId: string;

  it('tries an unfunded occurrence three times, marks it skipped, and notifies over HTTP and the socket', async () => {
    const socket = await RealtimeClient.connect(url, carol.token);
    clients.push(socket);
    const startAt = new Date(Date.now() + 1_000).toISOString();
    const created = await create(carol, { to: bob.email, amount: '5.00', frequency: 'daily', startAt });
    scheduleId = created.id;

    const execution = await finished(carol, scheduleId, startAt);
    expect(execution).toMatchObject({ status: 'skipped', failureCode: 'INSUFFICIENT_FUNDS', attempts: 3 });
    // Each attempt was its own (refused) transfer under its own idempotency key; nothing moved.
    const sent = await transfersSentBy(carol);
    expect(sent).toHaveLength(3);
    expect(sent.every((transfer) => transfer.status === 'failed')).toBe(true);
    expect((await balanceOf(t, carol))?.total).toBe('1.00');

    const [skipped] = await notified(carol, 'recurring.skipped', scheduleId);
    expect(skipped).toMatchObject({
      kind: 'recurring.skipped',
      title: 'Recurring transfer skipped',
      readAt: null,
      data: {
        scheduleId,
        occurrenceAt: startAt,
        failureCode: 'INSUFFICIENT_FUNDS',
        attempts: 3,
        amount: '5.00',
        currency: 'USDC',
      },
    });
    const pushed = await socket.until('notification.created (recurring.skipped)', () =>
      socket.of('notification.created').find((n) => n.id === skipped.id),
    );
    expect(pushed).toEqual({
      eventId: expect.any(String),
      id: skipped.id,
      kind: 'recurring.skipped',
      title: skipped.title,
      body: skipped.body,
      data: skipped.data,
      createdAt: skipped.createdAt,
    });
    const { recurring } = await show(carol, scheduleId);
    expect(recurring.status).toBe('active');
  });

  it('runs a retry job again for an attempt already made as a no-op', async () => {
    const { executions } = await show(carol, scheduleId);
    const processor = t.app.get(RecurringTransferProcessor);
    const occurrenceAt = executions[0].occurrenceAt;
    for (const attempt of [2, 3, 4]) {
      expect(await processor.retry({ scheduleId, occurrenceAt, attempt })).toMatchObject({
        outcome: 'already-ran',
      });
    }
    expect(await transfersSentBy(carol)).toHaveLength(3);
  });

  it('pauses the schedule after its third skipped occurrence in a row, with a recurring.paused notification', async () => {
    const socket = clients[0];
    const processor = t.app.get(RecurringTransferProcessor);
    // Occurrences 2 and 3.
    for (let i = 0; i < 2; i += 1) {
      const { recurring } = await show(carol, scheduleId);
      expect(recurring.status).toBe('active');
      const next = recurring.nextRunAt ?? '';
      // Drive the next (daily) occurrence now, as its job would tomorrow.
      const run = await processor.run({ scheduleId }, { id: jobIdOf(scheduleId, next) } as Job);
      expect(run).toMatchObject({
        outcome: 'retry-scheduled',
        attempt: 1,
        failureCode: 'INSUFFICIENT_FUNDS',
      });
      expect(await finished(carol, scheduleId, next)).toMatchObject({ status: 'skipped', attempts: 3 });
    }
    const { recurring, executions } = await show(carol, scheduleId);
    expect(recurring).toMatchObject({ status: 'paused', nextRunAt: null, occurrencesRun: 3 });
    expect(executions.map((e) => e.status)).toEqual(['skipped', 'skipped', 'skipped']);

    const [paused] = await notified(carol, 'recurring.paused', scheduleId);
    expect(paused).toMatchObject({
      title: 'Recurring transfer paused',
      data: { scheduleId, skippedInARow: 3, amount: '5.00', currency: 'USDC' },
    });
    await socket.until('notification.created (recurring.paused)', () =>
      socket.of('notification.created').find((n) => n.id === paused.id),
    );
    expect(await notified(carol, 'recurring.skipped', scheduleId, 3)).toHaveLength(3);
    expect((await balanceOf(t, carol))?.total).toBe('1.00');
    expect(await transfersSentBy(carol)).toHaveLength(9);
  });

  it('pays on a retry once funds arrive, once, with a recurring.succeeded notification', async () => {
    const startAt = new Date(Date.now() + 1_000).toISOString();
    const created = await create(dave, { to: bob.email, amount: '3.00', frequency: 'weekly', startAt });
    // The first attempt is refused (dave has nothing); money arrives before the retry a second later.
    await waitFor('the first attempt to be refused', async () => {
      const { executions } = await show(dave, created.id);
      return executions[0]?.status === 'retrying' ? executions[0] : undefined;
    });
    await deposit(t, dave, '10.00');
    const execution = await finished(dave, created.id, startAt);
    expect(execution).toMatchObject({ status: 'completed', attempts: 2, failureCode: null });
    expect((await balanceOf(t, dave))?.total).toBe('7.00');
    const statuses = (await transfersSentBy(dave)).map((transfer) => transfer.status).sort();
    expect(statuses).toEqual(['completed', 'failed']);

    const [succeeded] = await notified(dave, 'recurring.succeeded', created.id);
    expect(succeeded.data).toMatchObject({
      transferId: execution.transferId,
      amount: '3.00',
      occurrenceAt: startAt,
    });
    expect((await notifications(dave)).notifications.map((n) => n.kind)).toEqual(['recurring.succeeded']);
    await expectBooksBalanced(t, [carol, dave, bob]);
  });
});
