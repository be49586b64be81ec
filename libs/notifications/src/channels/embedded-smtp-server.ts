import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { AppConfig, DevMailbox, type DevMailMessage } from '#monay/shared';
import { devMetaOf } from './dev-meta';
import { SandboxModes } from './sandbox-modes';

/**
 * The mail server of EMAIL_VENDOR=smtp without SMTP_URL (outside production): an SMTP server in this process, on a
 * loopback port, that files every message it receives in the dev mailbox (`GET /api/dev/mailbox?to=`) and the log,
 * as MailHog would; email goes out through nodemailer and real SMTP. A message is kept as it arrived and parsed only
 * when the dev mailbox is read ({@link decode}): parsing each on arrival (mailparser) cost 0.42 ms of the 1.24 ms
 * that sending and receiving one email took, and nearly none is ever read. In an email-sandbox outage it answers 421
 * (try later), as a busy mail server does. Never started in production, with SMTP_URL, or with EMAIL_VENDOR=sendgrid.
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
  ) {
    mailbox.decodeRawWith((raw) => decode(raw));
  }

  get enabled(): boolean {
    const { emailVendor, smtpUrl } = this.config.notifications;
    return emailVendor === 'smtp' && smtpUrl === undefined && !this.config.isProduction;
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
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            callback(smtpError(552, 'Message exceeds the fixed maximum message size'));
            return;
          }
          const to = session.envelope.rcptTo.map((recipient) => recipient.address);
          this.mailbox.recordRaw('email', to, Buffer.concat(chunks)).then(
            () => {
              this.logger.debug(`email to ${to.join(', ')} kept in the dev mailbox`);
              callback();
            },
            (error: Error) => callback(smtpError(451, `could not keep the message: ${error.message}`)),
          );
        });
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
}

/** An email kept as it arrived, as the dev mailbox shows it: subject, text and HTML parts, and what its headers say. */
async function decode(raw: Buffer): Promise<Pick<DevMailMessage, 'subject' | 'text' | 'html' | 'meta'>> {
  const mail = await simpleParser(raw);
  const header = (name: string) => rawHeader(mail.headerLines, name);
  return {
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
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
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
