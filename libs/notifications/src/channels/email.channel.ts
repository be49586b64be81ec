import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '#monay/shared';
import type { ClaimedDelivery } from '../delivery/deliveries.repository';
import { emailFor } from '../templates/email-layout';
import { DeliveryFailure, noRecipient, type ChannelSender, type SendReceipt } from './channel';
import { EmbeddedSmtpServer } from './embedded-smtp-server';
import { composeEmail } from './mime';
import type { Contact } from './recipients';
import {
  isEmailAddress,
  SENDGRID_LIMITS,
  SendGridError,
  type SendGridMail,
  type SendGridPersonalization,
} from './sendgrid-api';
import { SendGridClient } from './sendgrid-client';

/** SMTP messages of one batch in flight at once (the transport keeps four connections). */
const SMTP_IN_FLIGHT = 4;

/** SMTP reply codes and socket errors worth another attempt (RFC 5321: 4yz is transient, 5yz permanent). */
const TRANSIENT_SOCKET_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED']);

/**
 * Email through one of two vendors (EMAIL_VENDOR). `sendgrid`: SendGrid's v3 Mail Send API, a whole batch of
 * deliveries in one request (each its own personalization, its text and HTML as substitutions), its events (delivered,
 * bounce) coming back through the signed event webhook. `smtp`: nodemailer over SMTP to SMTP_URL (any provider:
 * SendGrid, SES, Postmark… all speak SMTP) or to the embedded SMTP server, one message at a time, `sent` once
 * accepted; the message is composed by {@link composeEmail} (nodemailer's own composer costs twice the CPU) unless it
 * needs more than that knows. HTML and text parts either way; marketing carries List-Unsubscribe.
 */
@Injectable()
export class EmailChannel implements ChannelSender, OnModuleInit, OnApplicationShutdown {
  readonly channel = 'email' as const;
  private readonly logger = new Logger('EmailChannel');
  private transport: Transporter | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly embedded: EmbeddedSmtpServer,
    private readonly sendgrid: SendGridClient,
  ) {}

  /** SendGrid reports on each message later (its event webhook); SMTP's acceptance is all there is. */
  get callsBack(): boolean {
    return this.viaSendGrid;
  }

  private get viaSendGrid(): boolean {
    return this.config.notifications.emailVendor === 'sendgrid';
  }

  async send(delivery: ClaimedDelivery, contact: Contact | undefined): Promise<SendReceipt> {
    const [result] = await this.sendMany([{ delivery, contact }]);
    if (result instanceof DeliveryFailure) throw result;
    return result;
  }

  /**
   * A batch of deliveries, a receipt or a failure each. Through SendGrid: one request for all of them (those whose
   * text and HTML exceed a personalization's substitutions go in requests of their own); over SMTP: one message at
   * a time.
   */
  async sendMany(
    batch: ReadonlyArray<{ delivery: ClaimedDelivery; contact: Contact | undefined }>,
  ): Promise<Array<SendReceipt | DeliveryFailure>> {
    const results: Array<SendReceipt | DeliveryFailure> = [];
    const mails: Array<{ index: number; mail: ReturnType<EmailChannel['mailOf']> }> = [];
    batch.forEach(({ delivery, contact }, index) => {
      if (!contact) results[index] = noRecipient();
      else mails.push({ index, mail: this.mailOf(delivery, contact.email) });
    });
    if (!this.viaSendGrid) {
      for (let next = 0; next < mails.length; next += SMTP_IN_FLIGHT) {
        const sends = mails.slice(next, next + SMTP_IN_FLIGHT).map(async ({ index, mail }) => {
          try {
            results[index] = { vendorMessageId: await this.deliver(mail), status: 'sent' };
          } catch (error) {
            if (!(error instanceof DeliveryFailure)) throw error;
            results[index] = error;
          }
        });
        await Promise.all(sends);
      }
      return results;
    }
    const together: Array<{ index: number; personalization: SendGridPersonalization }> = [];
    const alone: Array<{ index: number; mail: ReturnType<EmailChannel['mailOf']> }> = [];
    for (const { index, mail } of mails) {
      if (!isEmailAddress(mail.to)) {
        // SendGrid refuses a whole request for one invalid address: it is left out, failed for good.
        results[index] = new DeliveryFailure(
          'INVALID_EMAIL',
          `${mail.to} is not a valid email address`,
          true,
        );
        continue;
      }
      const personalization = {
        ...personalizationOf(mail),
        substitutions: { [TEXT]: mail.text, [HTML]: mail.html ?? '' },
      };
      const bytes = Buffer.byteLength(JSON.stringify(personalization.substitutions));
      if (bytes <= SENDGRID_LIMITS.substitutionBytes) together.push({ index, personalization });
      else alone.push({ index, mail });
    }
    for (let next = 0; next < together.length; next += SENDGRID_LIMITS.personalizations) {
      const chunk = together.slice(next, next + SENDGRID_LIMITS.personalizations);
      const outcome = await this.viaApi({
        personalizations: chunk.map((entry) => entry.personalization),
        from: this.from(),
        content: [
          { type: 'text/plain', value: TEXT },
          { type: 'text/html', value: HTML },
        ],
      });
      chunk.forEach(({ index }, at) => {
        // Each message's id: the request's X-Message-Id and its personalization's place in the request.
        results[index] =
          outcome instanceof DeliveryFailure
            ? outcome
            : { ...outcome, vendorMessageId: `${outcome.vendorMessageId}.${at}` };
      });
    }
    for (const { index, mail } of alone) {
      const outcome = await this.viaApi(literalMail(this.from(), mail));
      results[index] =
        outcome instanceof DeliveryFailure
          ? outcome
          : { ...outcome, vendorMessageId: `${outcome.vendorMessageId}.0` };
    }
    return results;
  }

  private mailOf(delivery: ClaimedDelivery, email: string) {
    const marketing = delivery.kind === 'marketing';
    const token = unsubscribeToken(this.config.auth.accessSecret, delivery.userId);
    const content = emailFor({
      title: delivery.title,
      body: delivery.body,
      locale: delivery.locale,
      ...(marketing && {
        unsubscribeUrl: `${this.config.notifications.publicUrl}/api/notifications/unsubscribe?token=${token}`,
        unsubscribeMailto: `unsubscribe+${token}@${domainOf(this.config.notifications.emailFrom)}`,
      }),
    });
    return {
      to: email,
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: {
        ...content.headers,
        'X-Monay-Kind': delivery.kind,
        'X-Monay-Notification': delivery.notificationId,
        'X-Monay-Delivery': delivery.id,
      },
    };
  }

  /** One request to SendGrid: a receipt for its messages (its X-Message-Id), or the failure they share. */
  private async viaApi(mail: SendGridMail): Promise<SendReceipt | DeliveryFailure> {
    try {
      return { vendorMessageId: await this.sendgrid.send(mail), status: 'sent' };
    } catch (error) {
      if (error instanceof SendGridError) {
        // 4xx other than 429 will not change on a retry (a refused request, a missing key); 429 and 5xx may.
        const permanent = error.status < 500 && error.status !== 429;
        return new DeliveryFailure(`SENDGRID_${error.status}`, error.message, permanent);
      }
      return new DeliveryFailure('SENDGRID_UNREACHABLE', (error as Error).message, false);
    }
  }

  private from(): { email: string; name?: string } {
    const from = this.config.notifications.emailFrom;
    const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(from);
    return match
      ? { email: match[2], ...(match[1] && { name: match[1].replace(/^"|"$/g, '') }) }
      : { email: from };
  }

  /**
   * One email (a one-time code, or a delivery): through SendGrid when that is the vendor, else over SMTP. Returns the
   * vendor's message id; refusals become {@link DeliveryFailure}s.
   */
  async deliver(mail: OneEmail): Promise<string | null> {
    if (this.viaSendGrid) {
      if (!this.sendgrid.configured) {
        throw new DeliveryFailure(
          'EMAIL_NOT_CONFIGURED',
          'No SENDGRID_API_KEY is configured in production',
          true,
        );
      }
      const result = await this.viaApi(literalMail(this.from(), mail));
      if (result instanceof DeliveryFailure) throw result;
      return `${result.vendorMessageId}.0`;
    }
    if (!this.config.notifications.smtpUrl && !this.embedded.enabled) {
      throw new DeliveryFailure('EMAIL_NOT_CONFIGURED', 'No SMTP_URL is configured in production', true);
    }
    const from = this.config.notifications.emailFrom;
    try {
      const composed = composeEmail({ from, ...mail });
      if (composed) {
        // The id and a fixed base boundary keep nodemailer from drawing random bytes for a message it does not compose.
        await this.transporter().sendMail({
          envelope: composed.envelope,
          raw: composed.raw,
          messageId: composed.messageId,
          baseBoundary: 'monay',
        });
        return composed.messageId;
      }
      const info = (await this.transporter().sendMail({ from, ...mail })) as { messageId?: string };
      return info.messageId ?? null;
    } catch (error) {
      const { responseCode, code, message } = error as {
        responseCode?: number;
        code?: string;
        message: string;
      };
      const transient =
        (responseCode !== undefined && responseCode >= 400 && responseCode < 500) ||
        (responseCode === undefined && (code === undefined || TRANSIENT_SOCKET_ERRORS.has(code)));
      throw new DeliveryFailure(
        responseCode !== undefined ? `SMTP_${responseCode}` : (code ?? 'SMTP_ERROR'),
        message,
        !transient,
      );
    }
  }

  onModuleInit(): void {
    if (this.viaSendGrid) {
      if (!this.sendgrid.configured) {
        this.logger.warn(
          'SENDGRID_API_KEY is not set: in production no email (notifications, codes) can be sent',
        );
      }
    } else if (!this.config.notifications.smtpUrl && !this.embedded.enabled) {
      this.logger.warn('SMTP_URL is not set: in production no email (notifications, codes) can be sent');
    }
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }

  private transporter(): Transporter {
    if (this.transport) return this.transport;
    const url = new URL(this.config.notifications.smtpUrl ?? this.embedded.url());
    const secure = url.protocol === 'smtps:';
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      ...(url.username && {
        auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      }),
      // A few connections kept open and reused, rather than one SMTP session per message.
      pool: true,
      maxConnections: 4,
      // A busy server answers late rather than never: an attempt gives up and is retried.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    return this.transport;
  }
}

/** The placeholders a batch's shared content holds, each replaced by a personalization's own part. */
const TEXT = '-monay-text-';
const HTML = '-monay-html-';

interface OneEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers: Record<string, string>;
}

/** What a personalization carries besides its content: recipient, subject, headers, and the delivery it is. */
function personalizationOf(mail: OneEmail): SendGridPersonalization {
  const delivery = mail.headers['X-Monay-Delivery'];
  const notification = mail.headers['X-Monay-Notification'];
  return {
    to: [{ email: mail.to }],
    subject: mail.subject,
    headers: mail.headers,
    ...(delivery && { custom_args: { delivery_id: delivery, notification_id: notification ?? '' } }),
  };
}

/** One message with its own content (no substitutions). */
function literalMail(from: { email: string; name?: string }, mail: OneEmail): SendGridMail {
  return {
    personalizations: [personalizationOf(mail)],
    from,
    content: [
      { type: 'text/plain', value: mail.text },
      ...(mail.html ? [{ type: 'text/html' as const, value: mail.html }] : []),
    ],
  };
}

/** The token of a marketing unsubscribe link: the user id and its HMAC. */
export function unsubscribeToken(secret: string, userId: string): string {
  const mac = createHmac('sha256', secret).update(`unsubscribe:${userId}`).digest('base64url').slice(0, 32);
  return `${userId}.${mac}`;
}

export function userOfUnsubscribeToken(secret: string, token: string): string | null {
  const [userId] = token.split('.');
  return userId && unsubscribeToken(secret, userId) === token ? userId : null;
}

function domainOf(from: string): string {
  const match = /@([^>\s]+)/.exec(from);
  return match ? match[1] : 'monay.local';
}
