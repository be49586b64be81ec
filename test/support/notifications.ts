import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { TestApp } from './test-app';
import { waitFor } from './wait';

/** An email as a test reads it: from the dev mailbox (embedded SMTP server) or from the SMTP sink. */
export interface ReceivedEmail {
  to: string;
  subject: string;
  text: string;
  html: string | null;
  listUnsubscribe: string | null;
  listUnsubscribePost: string | null;
  kind: string | null;
}

/**
 * A real SMTP server the test starts (CI's SMTP_URL pass: TEST_SMTP_SINK=1), which keeps what it receives in
 * memory, as a mail catcher would.
 */
export class SmtpSink {
  readonly received: ReceivedEmail[] = [];
  /** While true, the sink answers 421 (service not available), as a mail server in trouble does. */
  outage = false;
  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(): Promise<SmtpSink> {
    const self: { sink?: SmtpSink } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onMailFrom(_address, _session, callback) {
        callback(
          self.sink?.outage ? Object.assign(new Error('Service not available'), { responseCode: 421 }) : null,
        );
      },
      onData(stream, _session, callback) {
        simpleParser(stream).then(
          (mail) => {
            const header = (name: string) => {
              const line = mail.headerLines.find((entry) => entry.key === name)?.line;
              return line === undefined
                ? null
                : line
                    .slice(line.indexOf(':') + 1)
                    .replace(/\r?\n[ \t]+/g, ' ')
                    .trim();
            };
            const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((group) =>
              group.value.map((entry) => (entry.address ?? '').toLowerCase()),
            );
            for (const address of to) {
              self.sink?.received.push({
                to: address,
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                html: typeof mail.html === 'string' ? mail.html : null,
                listUnsubscribe: header('list-unsubscribe'),
                listUnsubscribePost: header('list-unsubscribe-post'),
                kind: header('x-monay-kind'),
              });
            }
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.server.address() as AddressInfo;
    self.sink = new SmtpSink(server, `smtp://127.0.0.1:${port}`);
    return self.sink;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The emails `to` received, newest first: from the sink when the test runs one, else from the dev mailbox. */
export async function emailsTo(t: TestApp, to: string, sink?: SmtpSink): Promise<ReceivedEmail[]> {
  if (sink) return sink.received.filter((mail) => mail.to === to.toLowerCase()).reverse();
  const response = await t.http().get('/api/dev/mailbox').query({ to }).expect(200);
  return (
    response.body.messages as Array<{
      channel: string;
      to: string;
      subject?: string;
      text: string;
      html?: string;
      meta: Record<string, string | null>;
    }>
  )
    .filter((message) => message.channel === 'email' && message.meta.kind !== undefined)
    .map((message) => ({
      to: message.to,
      subject: message.subject ?? '',
      text: message.text,
      html: message.html ?? null,
      listUnsubscribe: message.meta.listUnsubscribe ?? null,
      listUnsubscribePost: message.meta.listUnsubscribePost ?? null,
      kind: message.meta.kind ?? null,
    }));
}

/** Waits for an email of `kind` to `to`. */
export function emailOf(t: TestApp, to: string, kind: string, sink?: SmtpSink): Promise<ReceivedEmail> {
  return waitFor(`a ${kind} email to ${to}`, async () =>
    (await emailsTo(t, to, sink)).find((mail) => mail.kind === kind),
  );
}

export interface DeliveryView {
  id: string;
  channel: 'email' | 'sms' | 'push';
  status: string;
  reason: string | null;
  notBefore: string;
  attempts: number;
  vendorMessageId: string | null;
  errorCode: string | null;
  lastError: string | null;
}

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  channels: string[];
  deliveries: DeliveryView[];
}

/** One notification with its deliveries (GET /api/notifications/:id). */
export async function notificationOf(
  t: TestApp,
  headers: { Authorization: string },
  id: string,
): Promise<NotificationView> {
  const response = await t.http().get(`/api/notifications/${id}`).set(headers).expect(200);
  return response.body.notification as NotificationView;
}

/** Waits until the notification's delivery through `channel` satisfies `done`. */
export function deliveryWhen(
  t: TestApp,
  headers: { Authorization: string },
  id: string,
  channel: DeliveryView['channel'],
  done: (delivery: DeliveryView) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<DeliveryView> {
  return waitFor(
    `the ${channel} delivery of ${id} to be ${what}`,
    async () => {
      const found = (await notificationOf(t, headers, id)).deliveries.find((d) => d.channel === channel);
      return found && done(found) ? found : undefined;
    },
    timeoutMs,
  );
}

/** Waits for the user's newest in-app notification of `kind`. */
export function inboxNotification(
  t: TestApp,
  headers: { Authorization: string },
  kind: string,
): Promise<{ id: string; kind: string; title: string; body: string; channels: string[] }> {
  return waitFor(`a ${kind} notification`, async () => {
    const response = await t.http().get('/api/notifications').set(headers).expect(200);
    return (
      response.body.notifications as Array<{
        id: string;
        kind: string;
        title: string;
        body: string;
        channels: string[];
      }>
    ).find((n) => n.kind === kind);
  });
}

/**
 * Turns the transactions and rewards categories off on every channel for these users: for suites that count exactly
 * what a money movement sends to a socket, where each transfer's `notification.created` (and the points it earns)
 * would be another feature's message.
 */
export async function withoutTransactionNotifications(
  t: TestApp,
  users: Array<{ token: string }>,
): Promise<void> {
  for (const user of users) {
    await t
      .http()
      .put('/api/notifications/preferences')
      .set({ Authorization: `Bearer ${user.token}` })
      .send({
        channels: {
          transactions: { in_app: false, email: false, sms: false, push: false },
          rewards: { in_app: false, email: false, sms: false, push: false },
        },
      })
      .expect(200);
  }
}
