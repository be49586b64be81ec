import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { simpleParser, type AddressObject } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { AppConfig, DevMailbox } from '#monay/shared';
import { SandboxModes } from './sandbox-modes';

/**
 * The embedded default's mail server (no SMTP_URL): an SMTP server in this process, on a loopback port, that files
 * every message it receives in the dev mailbox (`GET /api/dev/mailbox?to=`) and the log, as MailHog would. Email
 * goes out through nodemailer and real SMTP either way. In an email-sandbox outage it answers 421 (try later),
 * as a busy mail server does. Never started in production or when SMTP_URL is set.
 */
@Injectable()
export class EmbeddedSmtpServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedSmtp');
  private server: SMTPServer | undefined;
  private address: string | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly mailbox: DevMailbox,
    private readonly modes: SandboxModes,
  ) {}

  get enabled(): boolean {
    return this.config.notifications.smtpUrl === undefined && !this.config.isProduction;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 1024 * 1024,
      onMailFrom: (_address, _session, callback) => {
        this.modes.of('email').then(
          (mode) =>
            callback(mode === 'outage' ? smtpError(421, 'Service not available, try again later') : null),
          (error: Error) => callback(smtpError(451, error.message)),
        );
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => this.file(mail))
          .then(
            () => callback(),
            (error: Error) => callback(smtpError(451, `could not keep the message: ${error.message}`)),
          );
      },
    });
    server.on('error', (error) => this.logger.warn(`SMTP server: ${error.message}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.server = server;
    const { port } = server.server.address() as AddressInfo;
    this.address = `smtp://127.0.0.1:${port}`;
    this.logger.log(`Embedded SMTP server on ${this.address}: mail is kept in the dev mailbox`);
  }

  /** Where nodemailer sends when SMTP_URL is not set. */
  url(): string {
    if (!this.address) throw new Error('The embedded SMTP server is not running');
    return this.address;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async file(mail: Awaited<ReturnType<typeof simpleParser>>): Promise<void> {
    const recipients = addressesOf(mail.to);
    const header = (name: string) => rawHeader(mail.headerLines, name);
    for (const to of recipients) {
      await this.mailbox.record({
        channel: 'email',
        to,
        subject: mail.subject ?? '',
        text: mail.text ?? '',
        ...(typeof mail.html === 'string' && { html: mail.html }),
        meta: {
          ...devMetaOf(header('x-monay-dev-meta')),
          messageId: mail.messageId ?? null,
          kind: header('x-monay-kind'),
          notificationId: header('x-monay-notification'),
          listUnsubscribe: header('list-unsubscribe'),
          listUnsubscribePost: header('list-unsubscribe-post'),
        },
      });
      this.logger.log(`email to ${to}: ${mail.subject ?? ''}`);
    }
  }
}

/**
 * What the sender put in X-Monay-Dev-Meta (a one-time code's purpose and code: JSON in base64url, one token that
 * header folding leaves alone), for the dev mailbox.
 */
function devMetaOf(header: string | null): Record<string, unknown> {
  if (!header) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header.replace(/\s+/g, ''), 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

function addressesOf(to: AddressObject | AddressObject[] | undefined): string[] {
  const list = to === undefined ? [] : Array.isArray(to) ? to : [to];
  return list.flatMap((group) => group.value.map((entry) => entry.address ?? '')).filter(Boolean);
}

/** A header as sent (mailparser turns List-* headers into objects): its unfolded value, or null. */
function rawHeader(lines: ReadonlyArray<{ key: string; line: string }>, name: string): string | null {
  const found = lines.find((entry) => entry.key === name);
  if (!found) return null;
  return found.line
    .slice(found.line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}
