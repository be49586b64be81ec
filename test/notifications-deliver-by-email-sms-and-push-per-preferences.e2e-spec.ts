import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { twilioSignature } from '#monay/notifications';
import { loadConfig, OutboxRelay, OwnAddress } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { DeliverNotificationProcessor } from '../libs/notifications/src/delivery/deliver-notification.processor';
import { MODES_CACHE_MS } from '../libs/notifications/src/channels/sandbox-modes';
import { registerAdmin, adminHeader, type Admin } from './support/admin';
import { auth, deposit, onboard, type Customer } from './support/money';
import {
  deliveryWhen,
  emailOf,
  emailsTo,
  inboxNotification,
  notificationOf,
  SmtpSink,
} from './support/notifications';
import { advanceClock, expectEnvelope, latestMessage, mailbox } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

const ATTEMPTS = 3;

/**
 * Notification delivery end to end, as a client sees it: email over real SMTP (EMAIL_VENDOR=smtp: the embedded
 * server's dev mailbox, or with TEST_SMTP_SINK=1 an SMTP server this test starts, as SMTP_URL), SMS through the Twilio-shaped sandbox
 * and its signed status callbacks, push through the FCM-shaped sandbox, per preferences and quiet hours; jobs
 * retried, dead-lettered and re-driven.
 */
describe('notifications: email, SMS and push per preferences, retried, dead-lettered and re-driven', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let sink: SmtpSink | undefined;
  let url: string;
  let admin: Admin;

  beforeAll(async () => {
    sink = process.env.TEST_SMTP_SINK === '1' ? await SmtpSink.start() : undefined;
    t = await startTestApp({
      NOTIFICATION_DELIVERY_ATTEMPTS: String(ATTEMPTS),
      NOTIFICATION_RETRY_BASE_MS: '50',
      NOTIFICATION_SMS_STATUS_DELAY_MS: '50',
      NOTIFICATION_DISPATCH_INTERVAL_MS: '200',
      NOTIFICATION_TEST_LIMIT_PER_HOUR: '5',
      NOTIFICATION_ESCALATION_MINUTES: '2',
      // This spec is email's SMTP path; the SendGrid path (the default without SMTP_URL) has a spec of its own.
      EMAIL_VENDOR: 'smtp',
      ...(sink && { SMTP_URL: sink.url }),
    });
    await t.app.listen(0, '127.0.0.1');
    url = await t.app.getUrl();
    t.app.get(OwnAddress).listeningOn(t.app.getHttpServer().address() as AddressInfo);
    if (t.env.REDIS_URL) {
      // With Redis the delivery jobs run in the worker, which posts the SMS callbacks to the API.
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
    await sink?.close();
  });

  async function verifyPhone(customer: Customer, phone: string): Promise<void> {
    await t.http().post('/api/auth/phone/verify-request').set(auth(customer)).send({ phone }).expect(202);
    const sms = await latestMessage(t, phone, 'phone_verification');
    await t
      .http()
      .post('/api/auth/phone/verify')
      .set(auth(customer))
      .send({ code: sms.meta.code })
      .expect(200);
  }

  async function preferences(customer: Customer, body: Record<string, unknown>, status = 200) {
    return t.http().put('/api/notifications/preferences').set(auth(customer)).send(body).expect(status);
  }

  async function send(from: Customer, to: Customer, amount: string): Promise<string> {
    const response = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(from))
      .set('Idempotency-Key', randomUUID())
      .send({ to: to.email, amount })
      .expect(201);
    return response.body.transfer.id as string;
  }

  let alice: Customer;
  let bob: Customer;
  const bobPhone = '+14155550123';

  it('a P2P transfer reaches the recipient by email, SMS (delivered by a signed callback), push and in-app per preferences', async () => {
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await verifyPhone(bob, bobPhone);
    await t
      .http()
      .post('/api/notifications/devices')
      .set(auth(bob))
      .send({ token: 'fcm-bob-phone-1', platform: 'ios' })
      .expect(201);
    const changed = await preferences(bob, { channels: { transactions: { sms: true } } });
    expect(changed.body.preferences.channels.transactions).toEqual({
      in_app: true,
      email: true,
      sms: true,
      push: true,
    });
    await deposit(t, alice, '100.00');

    await send(alice, bob, '12.34');

    const received = await inboxNotification(t, auth(bob), 'transfer.received');
    expect(received).toMatchObject({ title: 'Money received', body: 'You received 12.34 USDC.' });
    expect([...received.channels].sort()).toEqual(['email', 'in_app', 'push', 'sms']);
    const email = await deliveryWhen(t, auth(bob), received.id, 'email', (d) => d.status === 'sent', 'sent');
    expect(email).toMatchObject({ attempts: 1, vendorMessageId: expect.any(String), errorCode: null });
    const sms = await deliveryWhen(
      t,
      auth(bob),
      received.id,
      'sms',
      (d) => d.status === 'delivered',
      'delivered',
    );
    expect(sms.vendorMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    const push = await deliveryWhen(t, auth(bob), received.id, 'push', (d) => d.status === 'sent', 'sent');
    expect(push.vendorMessageId).toMatch(/^projects\/monay-sandbox\/messages\//);

    const mail = await emailOf(t, bob.email, 'transfer.received', sink);
    expect(mail.subject).toBe('Money received');
    expect(mail.text).toContain('You received 12.34 USDC.');
    expect(mail.html).toContain('<h1 style="font-size:20px">Money received</h1>');
    expect(mail.listUnsubscribe).toBeNull();
    const texts = (await mailbox(t, bobPhone)).filter((m) => m.meta.purpose === undefined);
    expect(texts).toHaveLength(1);
    expect(texts[0].text).toBe('Monay: Money received. You received 12.34 USDC.');
    expect(texts[0].meta).toMatchObject({ segments: 1, encoding: 'GSM-7' });

    // The sender, with the defaults: email and in-app; no SMS by preference, no push without a device.
    const sent = await inboxNotification(t, auth(alice), 'transfer.sent');
    const view = await notificationOf(t, auth(alice), sent.id);
    expect(view.body).toBe(`You sent 12.34 USDC to ${bob.email[0]}••••@example.com.`);
    expect(Object.fromEntries(view.deliveries.map((d) => [d.channel, [d.status, d.reason]]))).toMatchObject({
      sms: ['suppressed', 'preference'],
      push: ['suppressed', 'no_device'],
    });
    await deliveryWhen(t, auth(alice), sent.id, 'email', (d) => d.status === 'sent', 'sent');
    // Another user's notification is not found.
    await t.http().get(`/api/notifications/${received.id}`).set(auth(alice)).expect(404);
  });

  it('the same event handed over twice by the relay, and a delivery job run twice, send once', async () => {
    const dataSource = t.app.get(DataSource);
    const [{ event_id }] = (await dataSource.query(
      `SELECT event_id FROM outbox WHERE type = 'FundsTransferred' AND $1 = ANY(user_ids) ORDER BY sequence LIMIT 1`,
      [bob.userId],
    )) as Array<{ event_id: string }>;
    await dataSource.query(`UPDATE outbox SET published_at = NULL WHERE event_id = $1`, [event_id]);
    await t.app.get(OutboxRelay).drain();
    const received = await inboxNotification(t, auth(bob), 'transfer.received');
    const { deliveries } = await notificationOf(t, auth(bob), received.id);
    const email = deliveries.find((d) => d.channel === 'email');
    // The job again, as a duplicate job or a re-drive after success would run it.
    await dataSource.query(`UPDATE notification_deliveries SET enqueued_at = NULL WHERE id = $1`, [
      email?.id,
    ]);
    const jobs = t.app.get(DeliverNotificationProcessor);
    expect(await jobs.deliver({ deliveryId: email?.id ?? '' })).toBe('not due');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const list = await t.http().get('/api/notifications').set(auth(bob)).expect(200);
    expect(
      list.body.notifications.filter((n: { kind: string }) => n.kind === 'transfer.received'),
    ).toHaveLength(1);
    expect((await emailsTo(t, bob.email, sink)).filter((m) => m.kind === 'transfer.received')).toHaveLength(
      1,
    );
    expect((await mailbox(t, bobPhone)).filter((m) => m.meta.purpose === undefined)).toHaveLength(1);
  });

  it('SMS to an unreachable number ends undelivered or failed by the callbacks, an invalid one is refused at once; a bad signature is 401', async () => {
    const carrier = await onboard(t, 'carrier');
    await verifyPhone(carrier, '+15005550009');
    const test = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(carrier))
      .send({ channel: 'sms' })
      .expect(202);
    const undelivered = await deliveryWhen(
      t,
      auth(carrier),
      test.body.notificationId,
      'sms',
      (d) => d.status === 'undelivered',
      'undelivered',
    );
    expect(undelivered.errorCode).toBe('30003');

    // A number the carrier cannot reach: accepted, then failed by the callback.
    const landline = await onboard(t, 'landline');
    await verifyPhone(landline, '+15005550004');
    const unreachable = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(landline))
      .send({ channel: 'sms' })
      .expect(202);
    const failed = await deliveryWhen(
      t,
      auth(landline),
      unreachable.body.notificationId,
      'sms',
      (d) => d.status === 'failed',
      'failed',
    );
    expect(failed).toMatchObject({ errorCode: '30006', attempts: 1 });
    // An invalid number is refused by the vendor at once (21211): even its verification code cannot be sent.
    const invalid = await onboard(t, 'invalid');
    const refused = await t
      .http()
      .post('/api/auth/phone/verify-request')
      .set(auth(invalid))
      .send({ phone: '+15005550001' })
      .expect(503);
    expectEnvelope(refused.body, 'MESSAGE_NOT_SENT');

    const callback = `${url}/api/webhooks/notifications/twilio`;
    const params = { MessageSid: undelivered.vendorMessageId ?? '', MessageStatus: 'delivered' };
    const forged = await t
      .http()
      .post('/api/webhooks/notifications/twilio')
      .type('form')
      .set('X-Twilio-Signature', twilioSignature('not-the-auth-token', callback, params))
      .send(params)
      .expect(401);
    expectEnvelope(forged.body, 'WEBHOOK_SIGNATURE_INVALID');
    await t.http().post('/api/webhooks/notifications/twilio').type('form').send(params).expect(401);
    // Signed right, a late "delivered" after "undelivered" does not move it back.
    const token = loadConfig(t.env).notifications.twilioAuthToken;
    await t
      .http()
      .post('/api/webhooks/notifications/twilio')
      .type('form')
      .set('X-Twilio-Signature', twilioSignature(token, callback, params))
      .send(params)
      .expect(200);
    const after = await notificationOf(t, auth(carrier), test.body.notificationId);
    expect(after.deliveries.find((d) => d.channel === 'sms')?.status).toBe('undelivered');
  });

  it('an UNREGISTERED push token is pruned, and the delivery fails without retries', async () => {
    const dave = await onboard(t, 'dave');
    await t
      .http()
      .post('/api/notifications/devices')
      .set(auth(dave))
      .send({ token: 'unregistered-dave-tablet', platform: 'android' })
      .expect(201);
    const test = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(dave))
      .send({ channel: 'push' })
      .expect(202);
    expect(test.body.deliveryId).toEqual(expect.any(String));
    const failed = await deliveryWhen(
      t,
      auth(dave),
      test.body.notificationId,
      'push',
      (d) => d.status === 'failed',
      'failed',
    );
    expect(failed).toMatchObject({ errorCode: 'UNREGISTERED', attempts: 1 });
    const devices = await t.http().get('/api/notifications/devices').set(auth(dave)).expect(200);
    expect(devices.body.devices).toEqual([]);
  });

  it('an email outage retries with backoff, then dead-letters; a re-drive delivers once', async () => {
    const erin = await onboard(t, 'erin');
    // The embedded SMTP server's outage is the sandbox's switch; an SMTP_URL server's is its own. A worker of its
    // own (with Redis) sees the switch once its copy of the modes is older than MODES_CACHE_MS.
    const outage = async (mode: 'outage' | 'healthy') => {
      if (sink) sink.outage = mode === 'outage';
      await t
        .http()
        .put('/api/admin/sandbox/notifications')
        .set(adminHeader(admin))
        .send({ channel: 'email', mode })
        .expect(200);
      if (worker) await new Promise((resolve) => setTimeout(resolve, MODES_CACHE_MS + 50));
    };
    await outage('outage');
    const test = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(erin))
      .send({ channel: 'email' })
      .expect(202);
    const dead = await deliveryWhen(
      t,
      auth(erin),
      test.body.notificationId,
      'email',
      (d) => d.status === 'dead_lettered',
      'dead-lettered',
    );
    expect(dead).toMatchObject({ attempts: ATTEMPTS, errorCode: 'SMTP_421' });
    const letter = await waitFor('the dead letter', async () => {
      const response = await t.http().get('/api/admin/jobs/dead-letter').set(adminHeader(admin)).expect(200);
      return (response.body.jobs as Array<{ id: string; payload: { deliveryId?: string } }>).find(
        (job) => job.payload.deliveryId === test.body.deliveryId,
      );
    });
    expect(await emailsTo(t, erin.email, sink)).toEqual([]);
    await outage('healthy');
    await t.http().post(`/api/admin/jobs/dead-letter/${letter.id}/retry`).set(adminHeader(admin)).expect(200);
    const sent = await deliveryWhen(
      t,
      auth(erin),
      test.body.notificationId,
      'email',
      (d) => d.status === 'sent',
      'sent',
    );
    expect(sent.attempts).toBe(ATTEMPTS + 1);
    const mail = await emailOf(t, erin.email, 'test', sink);
    expect(mail.subject).toBe('Test notification');
    // Re-driving the same letter again is refused: it is gone.
    await t.http().post(`/api/admin/jobs/dead-letter/${letter.id}/retry`).set(adminHeader(admin)).expect(404);
    expect((await emailsTo(t, erin.email, sink)).filter((m) => m.kind === 'test')).toHaveLength(1);
  });

  it('a delivery left claimed by a sender that died is taken again once its claim is stale, and sent', async () => {
    const frank = await onboard(t, 'frank');
    const test = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(frank))
      .send({ channel: 'email' })
      .expect(202);
    await deliveryWhen(t, auth(frank), test.body.notificationId, 'email', (d) => d.status === 'sent', 'sent');
    // As a process that claimed it and died before storing the outcome would leave it, three minutes ago.
    await t.app.get(DataSource).query(
      `UPDATE notification_deliveries SET status = 'sending', vendor_message_id = NULL,
                updated_at = now() - interval '3 minutes' WHERE id = $1`,
      [test.body.deliveryId],
    );
    const again = await deliveryWhen(
      t,
      auth(frank),
      test.body.notificationId,
      'email',
      (d) => d.status === 'sent' && d.attempts === 2,
      'sent again',
    );
    expect(again.vendorMessageId).toEqual(expect.any(String));
    // Whether the dead sender's attempt got out is unknown: email is sent at least once.
    expect((await emailsTo(t, frank.email, sink)).filter((m) => m.kind === 'test')).toHaveLength(2);
  });

  it('preferences: marketing is off by default, security cannot be off everywhere, bad input is 400', async () => {
    const frank = await onboard(t, 'frank');
    const got = await t.http().get('/api/notifications/preferences').set(auth(frank)).expect(200);
    expect(got.body.preferences).toMatchObject({
      channels: { marketing: { in_app: false, email: false, sms: false, push: false } },
      quietHours: null,
      locale: 'en',
    });
    const off = await preferences(
      frank,
      { channels: { security: { in_app: false, email: false, sms: false, push: false } } },
      400,
    );
    expectEnvelope(off.body, 'SECURITY_ALERTS_REQUIRED');
    for (const body of [
      { channels: { gossip: { email: true } } },
      { channels: { marketing: { fax: true } } },
      { channels: { marketing: { email: 'yes' } } },
      { quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' } },
      { quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } },
      { locale: 'xx' },
      { volume: 11 },
    ]) {
      expectEnvelope((await preferences(frank, body, 400)).body, 'INVALID_NOTIFICATION_PREFERENCES');
    }
    // A test per channel, limited per hour.
    for (let i = 0; i < 5; i += 1) {
      await t.http().post('/api/notifications/test').set(auth(frank)).send({ channel: 'in_app' }).expect(202);
    }
    const limited = await t
      .http()
      .post('/api/notifications/test')
      .set(auth(frank))
      .send({ channel: 'in_app' })
      .expect(429);
    expectEnvelope(limited.body, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await t.http().post('/api/notifications/test').set(auth(frank)).send({ channel: 'fax' }).expect(400);
  });

  it('a balance monitor fires once per crossing, not on every transfer while below', async () => {
    const gina = await onboard(t, 'gina');
    await deposit(t, gina, '50.00');
    const created = await t
      .http()
      .post('/api/wallet/monitors')
      .set(auth(gina))
      .send({ currency: 'USDC', condition: 'below', threshold: '30.00' })
      .expect(201);
    expect(created.body.monitor).toMatchObject({ condition: 'below', threshold: '30.00', state: 'armed' });
    const monitorId = created.body.monitor.id as string;
    const lows = async () => {
      const response = await t.http().get('/api/notifications').set(auth(gina)).expect(200);
      return (response.body.notifications as Array<{ kind: string; body: string }>).filter(
        (n) => n.kind === 'balance.low',
      );
    };
    const monitor = async () => {
      const response = await t.http().get('/api/wallet/monitors').set(auth(gina)).expect(200);
      return (response.body.monitors as Array<{ id: string; state: string; crossings: number }>).find(
        (m) => m.id === monitorId,
      );
    };
    const settle = async (state: string, crossings: number) => {
      await t.app.get(OutboxRelay).drain();
      await waitFor(`the monitor ${state} after ${crossings} crossings`, async () => {
        const m = await monitor();
        return m?.state === state && m.crossings === crossings ? m : undefined;
      });
    };
    await send(gina, alice, '15.00'); // 35: above the threshold
    await settle('armed', 0);
    await send(gina, alice, '10.00'); // 25: crosses
    await settle('fired', 1);
    await send(gina, alice, '1.00'); // 24: still below, no second alert
    await settle('fired', 1);
    expect((await lows()).map((n) => n.body)).toEqual([
      'Your USDC balance is 25.00, below the 30.00 you set.',
    ]);
    await deposit(t, gina, '10.00'); // 34: back above, armed again
    await settle('armed', 1);
    await send(gina, alice, '5.00'); // 29: crosses again
    await settle('fired', 2);
    expect(await lows()).toHaveLength(2);
    await t.http().delete(`/api/wallet/monitors/${monitorId}`).set(auth(alice)).expect(404);
    await t.http().delete(`/api/wallet/monitors/${monitorId}`).set(auth(gina)).expect(200);
    await t
      .http()
      .post('/api/wallet/monitors')
      .set(auth(gina))
      .send({ currency: 'USDC', condition: 'sideways', threshold: '-1' })
      .expect(400);
  });

  it('quiet hours defer marketing until they end, but not a security alert; marketing mail can be unsubscribed in one click', async () => {
    const hana = await onboard(t, 'hana');
    const hhmm = (date: Date) => date.toISOString().slice(11, 16);
    const now = new Date();
    await preferences(hana, {
      channels: { marketing: { in_app: true, email: true } },
      quietHours: {
        start: hhmm(new Date(now.getTime() - 60_000)),
        end: hhmm(new Date(now.getTime() + 5 * 60_000)),
        timeZone: 'UTC',
      },
    });
    await t
      .http()
      .post('/api/admin/notifications/announcements')
      .set(adminHeader(admin))
      .send({
        category: 'marketing',
        title: 'EURC is here',
        body: 'Hold euros next to dollars.',
        userIds: [hana.userId],
      })
      .expect(202);
    const marketing = await inboxNotification(t, auth(hana), 'marketing');
    const deferred = await deliveryWhen(
      t,
      auth(hana),
      marketing.id,
      'email',
      (d) => d.status === 'deferred',
      'deferred',
    );
    expect(deferred.reason).toBe('quiet_hours');
    expect(Date.parse(deferred.notBefore)).toBeGreaterThan(Date.now());

    // A security alert in the same quiet hours goes at once.
    const newPassword = 'an-even-better-horse-battery';
    await t
      .http()
      .post('/api/auth/password')
      .set(auth(hana))
      .send({ currentPassword: 'correct-horse-battery', newPassword })
      .expect(200);
    const alert = await emailOf(t, hana.email, 'security.alert', sink);
    expect(alert.subject).toBe('Your password was changed');
    expect((await emailsTo(t, hana.email, sink)).some((m) => m.kind === 'marketing')).toBe(false);

    // When the window ends (the sandbox clock moves past it), the marketing email goes, with List-Unsubscribe.
    await advanceClock(t, admin, 6);
    const mail = await emailOf(t, hana.email, 'marketing', sink);
    expect(mail.subject).toBe('EURC is here');
    expect(mail.listUnsubscribePost).toBe('List-Unsubscribe=One-Click');
    const link = /<(https?:[^>]+)>/.exec(mail.listUnsubscribe ?? '')?.[1];
    expect(link).toContain('/api/notifications/unsubscribe?token=');
    const path = new URL(link ?? '').pathname + new URL(link ?? '').search;
    await t.http().post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    await t
      .http()
      .post('/api/notifications/unsubscribe?token=forged.token-value')
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(400);
    // Changing the password may have ended other sessions: read the preferences in a new one.
    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ email: hana.email, password: newPassword })
      .expect(200);
    const prefs = await t
      .http()
      .get('/api/notifications/preferences')
      .set({ Authorization: `Bearer ${login.body.accessToken as string}` })
      .expect(200);
    expect(prefs.body.preferences.channels.marketing).toEqual({
      in_app: true,
      email: false,
      sms: false,
      push: false,
    });
  });

  it('a critical alert goes by push first, and by SMS only when it was not opened within the escalation time', async () => {
    const ivan = await onboard(t, 'ivan');
    const phone = '+14155550177';
    await verifyPhone(ivan, phone);
    await t
      .http()
      .post('/api/notifications/devices')
      .set(auth(ivan))
      .send({ token: 'fcm-ivan-phone', platform: 'android' })
      .expect(201);
    const alerts = async () => {
      const response = await t.http().get('/api/notifications').set(auth(ivan)).expect(200);
      return (response.body.notifications as Array<{ id: string; kind: string }>).filter(
        (n) => n.kind === 'security.alert',
      );
    };
    const changePassword = async (from: string, to: string, count: number) => {
      await t
        .http()
        .post('/api/auth/password')
        .set(auth(ivan))
        .send({ currentPassword: from, newPassword: to })
        .expect(200);
      return waitFor(`security alert ${count}`, async () => {
        const found = await alerts();
        return found.length >= count ? found[0] : undefined;
      });
    };
    const opened = await changePassword('correct-horse-battery', 'second-horse-battery', 1);
    await deliveryWhen(t, auth(ivan), opened.id, 'push', (d) => d.status === 'sent', 'sent');
    const waiting = (await notificationOf(t, auth(ivan), opened.id)).deliveries.find(
      (d) => d.channel === 'sms',
    );
    expect(waiting).toMatchObject({ status: 'deferred', reason: 'escalation' });
    await t.http().post(`/api/notifications/${opened.id}/read`).set(auth(ivan)).expect(200);
    const unopened = await changePassword('second-horse-battery', 'third-horse-battery!', 2);
    expect(unopened.id).not.toBe(opened.id);

    await advanceClock(t, admin, 3);
    const skipped = await deliveryWhen(
      t,
      auth(ivan),
      opened.id,
      'sms',
      (d) => d.status === 'suppressed',
      'suppressed',
    );
    expect(skipped.reason).toBe('push_opened');
    await deliveryWhen(t, auth(ivan), unopened.id, 'sms', (d) => d.status === 'delivered', 'delivered');
    const texts = (await mailbox(t, phone)).filter((m) => m.meta.purpose === undefined);
    expect(texts.map((m) => m.text)).toEqual([
      'Monay security: Your password was changed. Not you? Change your password now.',
    ]);
  });
});
