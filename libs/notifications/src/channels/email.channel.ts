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

/** SMTP reply codes and socket errors worth another attempt (RFC 5321: 4yz is transient, 5yz permanent). */
const TRANSIENT_SOCKET_ERRORS = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED']);

/**
 * Email over SMTP with nodemailer, to SMTP_URL (any provider: SendGrid, SES, Postmark… all speak SMTP) or to the
 * embedded SMTP server. HTML and text parts; marketing carries List-Unsubscribe. The message is composed by
 * {@link composeEmail} (nodemailer's own composer costs twice the CPU) unless it needs more than that knows.
 */
@Injectable()
export class EmailChannel implements ChannelSender, OnModuleInit, OnApplicationShutdown {
  readonly channel = 'email' as const;
  readonly callsBack = false;
  private readonly logger = new Logger('EmailChannel');
  private transport: Transporter | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly embedded: EmbeddedSmtpServer,
  ) {}

  async send(delivery: ClaimedDelivery, contact: Contact | undefined): Promise<SendReceipt> {
    if (!contact) throw noRecipient();
    const { email } = contact;
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
    const messageId = await this.deliver({
      to: email,
      subject: content.subject,
      text: content.text,
      html: content.html,
      headers: {
        ...content.headers,
        'X-Monay-Kind': delivery.kind,
        'X-Monay-Notification': delivery.notificationId,
      },
    });
    return { vendorMessageId: messageId, status: 'sent' };
  }

  /** One email over SMTP; the server's message id. SMTP refusals become {@link DeliveryFailure}s. */
  async deliver(mail: {
    to: string;
    subject: string;
    text: string;
    html?: string;
    headers: Record<string, string>;
  }): Promise<string | null> {
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
    if (!this.config.notifications.smtpUrl && !this.embedded.enabled) {
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
