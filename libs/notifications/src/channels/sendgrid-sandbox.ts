import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { AppConfig, DevMailbox, type DevMailMessage } from '#monay/shared';
import { sandboxSigningKey, signSendgridEvents } from '../domain/sendgrid-signature';
import { CallbackTarget } from './callback-target';
import { devMetaOf } from './dev-meta';
import { SandboxModes } from './sandbox-modes';
import {
  isEmailAddress,
  SENDGRID_LIMITS,
  SendGridError,
  type SendGridEvent,
  type SendGridMail,
} from './sendgrid-api';

/** Addresses whose mail the sandbox bounces (a hard bounce): the local part `bounce`, or one starting `bounce+`/`.`. */
export const SANDBOX_BOUNCE = /^bounce([+.][^@]*)?@/i;

/** An event waiting for its batch: where it goes, and from when. */
interface PendingEvent {
  url: string;
  due: number;
  event: SendGridEvent;
  final?: boolean;
}

/** The most one event post carries (SendGrid's batches are at most 768 KB). */
const EVENT_BATCH_BYTES = 768 * 1024;

/** Retries of an event post that was not answered 2xx (SendGrid retries for up to 24 hours). */
const POST_RETRIES_MS = [500, 2_000];

/**
 * A SendGrid-shaped email sandbox: `POST /v3/mail/send` as an in-process call. It checks a request as SendGrid does
 * (at most 1,000 personalizations and recipients, valid addresses, a subject and content; 400 with `errors` and
 * their fields), answers an outage with 503, files each recipient's message in the dev mailbox (one statement a
 * request, substitutions applied) and answers with an `X-Message-Id`. Then, as SendGrid's event webhook does, it
 * posts signed batches of events (ECDSA P-256 over timestamp + body, `X-Twilio-Email-Event-Webhook-Signature`):
 * each message's `processed` one NOTIFICATION_EMAIL_EVENT_DELAY_MS after it was accepted, its `delivered` (or
 * `bounce`, for the addresses {@link SANDBOX_BOUNCE} matches) one more later, every event that is due going in one
 * post, whatever message it is about, one post a delay at most. Like the real webhook it repeats and reorders (see
 * {@link flush}); a post not answered 2xx is tried again.
 */
@Injectable()
export class SendGridSandbox implements OnApplicationShutdown {
  private readonly logger = new Logger('SendGridSandbox');
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly signingKey: KeyObject;
  private pending: PendingEvent[] = [];
  private lastFinal: PendingEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private flushes = 0;
  private closed = false;

  constructor(
    private readonly config: AppConfig,
    private readonly modes: SandboxModes,
    private readonly mailbox: DevMailbox,
    private readonly callbacks: CallbackTarget,
  ) {
    this.signingKey = sandboxSigningKey(config.auth.accessSecret).privateKey;
  }

  async send(mail: SendGridMail): Promise<string> {
    if ((await this.modes.of('email')) === 'outage') {
      throw new SendGridError(503, [{ message: 'Service Unavailable' }]);
    }
    const errors = invalid(mail);
    if (errors.length > 0) throw new SendGridError(400, errors);
    const messageId = randomBytes(16).toString('base64url').slice(0, 22);
    const messages: DevMailMessage[] = [];
    const processed: SendGridEvent[] = [];
    const final: SendGridEvent[] = [];
    const timestamp = Math.floor(Date.now() / 1000);
    const delay = this.config.notifications.emailEventDelayMs;
    mail.personalizations.forEach((personalization, index) => {
      const apply = substitute(personalization.substitutions ?? {});
      const part = (type: string) => mail.content.find((content) => content.type === type)?.value;
      const headers = { ...mail.headers, ...personalization.headers };
      const html = part('text/html');
      const sgMessageId = `${messageId}.filterdrecv-${index}`;
      for (const { email } of personalization.to) {
        messages.push({
          channel: 'email',
          to: email,
          subject: apply(personalization.subject ?? mail.subject ?? ''),
          text: apply(part('text/plain') ?? ''),
          ...(html !== undefined && { html: apply(html) }),
          meta: {
            ...devMetaOf(headers['X-Monay-Dev-Meta']),
            messageId: sgMessageId,
            kind: headers['X-Monay-Kind'] ?? null,
            notificationId: headers['X-Monay-Notification'] ?? null,
            listUnsubscribe: headers['List-Unsubscribe'] ?? null,
            listUnsubscribePost: headers['List-Unsubscribe-Post'] ?? null,
          },
        });
        const base = {
          email,
          timestamp,
          sg_message_id: sgMessageId,
          'smtp-id': `<${messageId}@ismtpd.sandbox>`,
          ...personalization.custom_args,
        };
        processed.push({ ...base, event: 'processed', sg_event_id: randomUUID() });
        const later = { ...base, timestamp: timestamp + Math.round((2 * delay) / 1000) };
        final.push(
          SANDBOX_BOUNCE.test(email)
            ? {
                ...later,
                event: 'bounce',
                type: 'bounce',
                status: '5.1.1',
                reason: '550 5.1.1 The email account that you tried to reach does not exist',
                sg_event_id: randomUUID(),
              }
            : { ...later, event: 'delivered', response: '250 2.0.0 OK', sg_event_id: randomUUID() },
        );
      }
    });
    await this.mailbox.recordMany(messages);
    const url = this.callbacks.sendgridEventsUrl();
    if (url) {
      const now = Date.now();
      for (const event of processed) this.pending.push({ url, due: now + delay, event });
      for (const event of final) this.pending.push({ url, due: now + delay * 2, event, final: true });
      this.flushLater();
    }
    return messageId;
  }

  /** The next batch of events, one delay from now, unless one is already coming. */
  private flushLater(): void {
    if (this.flushTimer || this.closed || this.pending.length === 0) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, this.config.notifications.emailEventDelayMs);
  }

  /**
   * Posts every event that is due, whatever message it is about, in batches of at most 768 KB: SendGrid batches its
   * events so, rather than posting one per message. Every third batch comes in reverse order (final events before
   * `processed`), and every fourth repeats the previous batch's final events.
   */
  private flush(): void {
    const now = Date.now();
    const due = this.pending.filter((entry) => entry.due <= now);
    this.pending = this.pending.filter((entry) => entry.due > now);
    this.flushes += 1;
    const repeated = this.flushes % 4 === 0 ? this.lastFinal : [];
    this.lastFinal = due.filter((entry) => entry.final);
    const entries = [...(this.flushes % 3 === 0 ? [...due].reverse() : due), ...repeated];
    for (const url of new Set(entries.map((entry) => entry.url))) {
      let batch: SendGridEvent[] = [];
      let bytes = 0;
      for (const { event } of entries.filter((entry) => entry.url === url)) {
        const size = Buffer.byteLength(JSON.stringify(event)) + 1;
        if (batch.length > 0 && bytes + size > EVENT_BATCH_BYTES) {
          void this.post(url, batch, 0);
          [batch, bytes] = [[], 0];
        }
        batch.push(event);
        bytes += size;
      }
      if (batch.length > 0) void this.post(url, batch, 0);
    }
    this.flushLater();
  }

  onApplicationShutdown(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private later(ms: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) void run();
    }, ms);
    this.timers.add(timer);
  }

  private async post(url: string, events: SendGridEvent[], attempt: number): Promise<void> {
    const body = JSON.stringify(events);
    const timestamp = String(Math.floor(Date.now() / 1000));
    let failure: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
          'X-Twilio-Email-Event-Webhook-Signature': signSendgridEvents(this.signingKey, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(5_000),
      });
      if (response.ok) return;
      failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = (error as Error).message;
    }
    if (this.closed) return;
    const retry = POST_RETRIES_MS[attempt];
    if (retry === undefined) {
      this.logger.warn(`event webhook (${events.length} events): ${failure}; not tried again`);
      return;
    }
    this.later(retry, () => this.post(url, events, attempt + 1));
  }
}

/**
 * Substitution in one pass, as SendGrid makes it: each key in the content is replaced by its value, and a value is
 * never searched for keys itself (a message's text that happens to hold another key stays as it is).
 */
function substitute(substitutions: Record<string, string>): (content: string) => string {
  const keys = Object.keys(substitutions).sort((a, b) => b.length - a.length);
  if (keys.length === 0) return (content) => content;
  const pattern = new RegExp(keys.map((key) => key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (content) => content.replace(pattern, (key) => substitutions[key] ?? key);
}

/** What SendGrid would answer 400 about, with its `field`. */
function invalid(mail: SendGridMail): Array<{ message: string; field: string }> {
  const errors: Array<{ message: string; field: string }> = [];
  const personalizations = mail.personalizations ?? [];
  if (personalizations.length < 1 || personalizations.length > SENDGRID_LIMITS.personalizations) {
    errors.push({ message: 'Between 1 and 1000 personalizations are required', field: 'personalizations' });
  }
  let recipients = 0;
  personalizations.forEach((personalization, index) => {
    const to = personalization.to ?? [];
    recipients += to.length;
    if (to.length === 0) {
      errors.push({ message: 'At least one recipient is required', field: `personalizations.${index}.to` });
    }
    to.forEach((recipient, at) => {
      if (!isEmailAddress(recipient.email ?? '')) {
        errors.push({
          message: 'Does not contain a valid address.',
          field: `personalizations.${index}.to.${at}.email`,
        });
      }
    });
    if (!personalization.subject && !mail.subject) {
      errors.push({ message: 'The subject is required', field: `personalizations.${index}.subject` });
    }
    const bytes = Buffer.byteLength(JSON.stringify(personalization.substitutions ?? {}));
    if (bytes > SENDGRID_LIMITS.substitutionBytes) {
      errors.push({
        message: 'Substitutions may total at most 10000 bytes per personalization',
        field: `personalizations.${index}.substitutions`,
      });
    }
  });
  if (recipients > SENDGRID_LIMITS.recipients) {
    errors.push({ message: 'At most 1000 recipients a request', field: 'personalizations' });
  }
  if (!isEmailAddress(mail.from?.email ?? '')) {
    errors.push({ message: 'The from address does not contain a valid address.', field: 'from.email' });
  }
  if (!mail.content?.length || mail.content.some((content) => !content.value)) {
    errors.push({ message: 'Content with a value is required', field: 'content' });
  }
  return errors;
}
