import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { sandboxSigningKey, signSendgridEvents } from '#monay/notifications';
import { AppConfig, loadConfig, OwnAddress } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { MODES_CACHE_MS } from '../libs/notifications/src/channels/sandbox-modes';
import { DeliveriesRepository } from '../libs/notifications/src/delivery/deliveries.repository';
import { adminHeader, registerAdmin, type Admin } from './support/admin';
import { auth, deposit, onboard, type Customer } from './support/money';
import { deliveryWhen, emailOf, inboxNotification, notificationOf } from './support/notifications';
import { expectEnvelope } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Email through SendGrid's v3 Mail Send API (the default without SMTP_URL), as a client sees it: the deliveries a
 * job takes together go in one request, each recipient's own message filed in the dev mailbox by the
 * SendGrid-shaped sandbox; the sandbox's signed event webhook moves each delivery on (delivered, or undelivered for
 * a bounce), duplicates and late events never moving one back; an outage is retried. Then the same channel against
 * a SendGrid API server this test starts (SENDGRID_API_KEY), as production sends.
 */
describe('email through SendGrid: batched, delivered or bounced by signed events', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let url: string;
  let admin: Admin;

  beforeAll(async () => {
    t = await startTestApp({
      NOTIFICATION_EMAIL_EVENT_DELAY_MS: '50',
      NOTIFICATION_RETRY_BASE_MS: '1000',
      NOTIFICATION_DELIVERY_ATTEMPTS: '3',
      NOTIFICATION_DISPATCH_INTERVAL_MS: '200',
    });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    t.app.get(OwnAddress).listeningOn(t.app.getHttpServer().address() as AddressInfo);
    if (t.env.REDIS_URL) {
      // With Redis the delivery jobs run in the worker, whose sandbox posts the events to the API.
      worker = await NestFactory.createApplicationContext(
        WorkerModule.forRoot(loadConfig({ ...t.env, NOTIFICATION_WEBHOOK_URL: url })),
        { logger: false },
      );
      await worker.init();
    }
    admin = await registerAdmin(t);
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  function signed(body: string, timestamp = String(Math.floor(Date.now() / 1000))) {
    const { privateKey } = sandboxSigningKey(t.app.get(AppConfig).auth.accessSecret);
    return {
      'Content-Type': 'application/json',
      'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
      'X-Twilio-Email-Event-Webhook-Signature': signSendgridEvents(privateKey, timestamp, body),
    };
  }

  async function events(body: string, headers: Record<string, string>, status = 200) {
    const request = t.http().post('/api/webhooks/notifications/sendgrid');
    for (const [name, value] of Object.entries(headers)) request.set(name, value);
    return request.send(body).expect(status);
  }

  let payer: Customer;
  const recipients: Customer[] = [];

  it("a batch's emails go to SendGrid in one request, each its own message; events deliver them or bounce one", async () => {
    payer = await onboard(t, 'payer');
    recipients.push(await onboard(t, 'ann'), await onboard(t, 'ben'), await onboard(t, 'bounce'));
    await deposit(t, payer, '10.00');
    await t
      .http()
      .post('/api/consumer/batch-transfer')
      .set(auth(payer))
      .set('Idempotency-Key', randomUUID())
      .send({ recipients: recipients.map((r, index) => ({ to: r.email, amount: `${index + 1}.00` })) })
      .expect(201);

    const emails = [];
    for (const [index, recipient] of recipients.entries()) {
      const received = await inboxNotification(t, auth(recipient), 'transfer.received');
      const bounced = index === 2;
      const email = await deliveryWhen(
        t,
        auth(recipient),
        received.id,
        'email',
        (d) => d.status === (bounced ? 'undelivered' : 'delivered'),
        bounced ? 'undelivered' : 'delivered',
      );
      expect(email).toMatchObject({ attempts: 1, errorCode: bounced ? 'SENDGRID_BOUNCE_5.1.1' : null });
      emails.push(email);
      const mail = await emailOf(t, recipient.email, 'transfer.received');
      expect(mail.subject).toBe('Money received');
      expect(mail.text).toContain(`You received ${index + 1}.00 USDC.`);
      expect(mail.html).toContain(`<p>You received ${index + 1}.00 USDC.</p>`);
    }
    // One request for the three (they were committed, and taken for sending, together): one X-Message-Id, each
    // message that and its personalization's place in the request.
    const ids = emails.map((email) => /^([A-Za-z0-9_-]{22})\.(\d+)$/.exec(email.vendorMessageId ?? ''));
    expect(ids.every((id) => id !== null)).toBe(true);
    expect(new Set(ids.map((id) => id?.[1])).size).toBe(1);
    expect(new Set(ids.map((id) => id?.[2])).size).toBe(3);
  });

  it('events: a bad or stale signature is 401, a body not an array 400; a duplicate or late event moves nothing', async () => {
    const [ann] = recipients;
    const received = await inboxNotification(t, auth(ann), 'transfer.received');
    const email = (await notificationOf(t, auth(ann), received.id)).deliveries.find(
      (d) => d.channel === 'email',
    );
    expect(email?.status).toBe('delivered');

    const late = JSON.stringify([
      {
        email: ann.email,
        timestamp: 1,
        event: 'processed',
        sg_event_id: randomUUID(),
        delivery_id: email?.id,
      },
      { email: ann.email, timestamp: 1, event: 'open', sg_event_id: randomUUID(), delivery_id: email?.id },
    ]);
    const forged = await events(
      late,
      { ...signed(late), 'X-Twilio-Email-Event-Webhook-Timestamp': '1' },
      401,
    );
    expectEnvelope(forged.body, 'WEBHOOK_SIGNATURE_INVALID');
    const stale = String(Math.floor(Date.now() / 1000) - 600);
    expectEnvelope((await events(late, signed(late, stale), 401)).body, 'WEBHOOK_SIGNATURE_INVALID');
    const other = signed(late);
    const tampered = late.replace('processed', 'dropped');
    expectEnvelope((await events(tampered, other, 401)).body, 'WEBHOOK_SIGNATURE_INVALID');
    const notArray = JSON.stringify({ event: 'delivered' });
    expectEnvelope((await events(notArray, signed(notArray), 400)).body, 'VALIDATION_FAILED');

    // A late `processed` (and an `open`, which moves nothing) after `delivered`: acknowledged, the delivery stays.
    expect((await events(late, signed(late))).body).toEqual({ success: true, received: 2, moved: 0 });
    // The final events again, as SendGrid retries a post: nothing moves.
    const repeated = JSON.stringify([
      {
        email: ann.email,
        timestamp: 1,
        event: 'delivered',
        sg_event_id: randomUUID(),
        delivery_id: email?.id,
      },
    ]);
    expect((await events(repeated, signed(repeated))).body).toEqual({ success: true, received: 1, moved: 0 });
    // Items that are not events (a vendor's bug) are acknowledged and skipped, never a 500.
    const odd = JSON.stringify([null, 7, 'delivered', { event: { nested: true }, delivery_id: email?.id }]);
    expect((await events(odd, signed(odd))).body).toEqual({ success: true, received: 4, moved: 0 });
    const after = (await notificationOf(t, auth(ann), received.id)).deliveries.find(
      (d) => d.channel === 'email',
    );
    expect(after).toMatchObject({ status: 'delivered', errorCode: null });

    // Had the sender stored its `sent` only after the events (they can outrun it), the events' word stands.
    const bounced = await inboxNotification(t, auth(recipients[2]), 'transfer.received');
    const bounce = (await notificationOf(t, auth(recipients[2]), bounced.id)).deliveries.find(
      (d) => d.channel === 'email',
    );
    await t.app.get(DeliveriesRepository).finish([
      { id: after?.id ?? '', status: 'sent', vendorMessageId: after?.vendorMessageId },
      { id: bounce?.id ?? '', status: 'sent', vendorMessageId: bounce?.vendorMessageId },
    ]);
    const deliveries = [
      ...(await notificationOf(t, auth(ann), received.id)).deliveries,
      ...(await notificationOf(t, auth(recipients[2]), bounced.id)).deliveries,
    ].filter((d) => d.channel === 'email');
    expect(deliveries.map(({ status, errorCode }) => ({ status, errorCode }))).toEqual([
      { status: 'delivered', errorCode: null },
      { status: 'undelivered', errorCode: 'SENDGRID_BOUNCE_5.1.1' },
    ]);
  });

  it('an outage is answered 503 and retried; once SendGrid is back the email goes and is delivered', async () => {
    const erin = await onboard(t, 'erin');
    const mode = async (value: 'outage' | 'healthy') => {
      await t
        .http()
        .put('/api/admin/sandbox/notifications')
        .set(adminHeader(admin))
        .send({ channel: 'email', mode: value })
        .expect(200);
      if (worker) await new Promise((resolve) => setTimeout(resolve, MODES_CACHE_MS + 50));
    };
    await mode('outage');
    const test = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(erin))
      .send({ channel: 'email' })
      .expect(202);
    const retrying = await deliveryWhen(
      t,
      auth(erin),
      test.body.notificationId,
      'email',
      (d) => d.errorCode === 'SENDGRID_503',
      'refused with 503',
    );
    // The retry comes a second after the refusal (NOTIFICATION_RETRY_BASE_MS): SendGrid is back by then.
    expect(retrying).toMatchObject({ status: 'retrying', attempts: 1 });
    await mode('healthy');
    const delivered = await deliveryWhen(
      t,
      auth(erin),
      test.body.notificationId,
      'email',
      (d) => d.status === 'delivered',
      'delivered',
    );
    expect(delivered.attempts).toBe(2);
    expect((await emailOf(t, erin.email, 'test')).subject).toBe('Test notification');
  });
});

/** A SendGrid API as production reaches it: checks the key, keeps each request, answers 202 or as told. */
class FakeSendGridApi {
  readonly requests: Array<{ authorization: string | undefined; body: Record<string, unknown> }> = [];
  answer: { status: number; body?: unknown } = { status: 202 };
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeSendGridApi> {
    const self: { api?: FakeSendGridApi } = {};
    const server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const api = self.api as FakeSendGridApi;
        if (request.method !== 'POST' || request.url !== '/v3/mail/send') {
          response.writeHead(404).end();
          return;
        }
        api.requests.push({
          authorization: request.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        const { status, body } = api.answer;
        response.writeHead(status, {
          'content-type': 'application/json',
          ...(status === 202 && { 'x-message-id': `fake${api.requests.length}` }),
        });
        response.end(body === undefined ? '' : JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    self.api = new FakeSendGridApi(server, `http://127.0.0.1:${port}`);
    return self.api;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('email through SendGrid with an API key: the production request', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let api: FakeSendGridApi;

  beforeAll(async () => {
    api = await FakeSendGridApi.start();
    t = await startTestApp({
      SENDGRID_API_KEY: 'SG.test-key-0123456789',
      SENDGRID_API_URL: api.url,
      NOTIFICATION_RETRY_BASE_MS: '50',
      NOTIFICATION_DELIVERY_ATTEMPTS: '2',
    });
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
    await api.close();
  });

  it('posts v3 Mail Send with the key as a bearer token; a 400 fails the delivery for good', async () => {
    const kim = await onboard(t, 'kim');
    const first = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(kim))
      .send({ channel: 'email' })
      .expect(202);
    const sent = await deliveryWhen(
      t,
      auth(kim),
      first.body.notificationId,
      'email',
      (d) => d.status === 'sent',
      'sent',
    );
    expect(sent.vendorMessageId).toMatch(/^fake\d+\.0$/);
    const request = api.requests.find((r) =>
      JSON.stringify(r.body).includes(first.body.deliveryId as string),
    );
    expect(request?.authorization).toBe('Bearer SG.test-key-0123456789');
    expect(request?.body).toMatchObject({
      from: { email: 'no-reply@monay.local', name: 'Monay' },
      content: [
        { type: 'text/plain', value: '-monay-text-' },
        { type: 'text/html', value: '-monay-html-' },
      ],
      personalizations: [
        {
          to: [{ email: kim.email }],
          subject: 'Test notification',
          custom_args: { delivery_id: first.body.deliveryId, notification_id: first.body.notificationId },
          substitutions: {
            '-monay-text-': expect.stringContaining(
              'You receive this because of your Monay notification settings.',
            ),
            '-monay-html-': expect.stringContaining('<h1 style="font-size:20px">Test notification</h1>'),
          },
        },
      ],
    });

    api.answer = {
      status: 400,
      body: {
        errors: [{ message: 'The from address does not match a verified Sender Identity.', field: 'from' }],
      },
    };
    const second = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(kim))
      .send({ channel: 'email' })
      .expect(202);
    const failed = await deliveryWhen(
      t,
      auth(kim),
      second.body.notificationId,
      'email',
      (d) => d.status === 'failed',
      'failed',
    );
    expect(failed).toMatchObject({
      attempts: 1,
      errorCode: 'SENDGRID_400',
      lastError: 'from: The from address does not match a verified Sender Identity.',
    });
  });
});
