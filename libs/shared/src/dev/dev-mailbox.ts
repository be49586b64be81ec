import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** One message as a channel would have delivered it (an email, an SMS). */
export interface DevMailMessage {
  channel: 'email' | 'sms';
  /** The address it went to: an email (lower case) or a phone number in E.164 form. */
  to: string;
  subject?: string;
  text: string;
  html?: string;
  /** What the sender wants a developer (or a test) to find without parsing the text: the purpose, a code. */
  meta: Record<string, unknown>;
}

export interface DevMailView extends DevMailMessage {
  id: string;
  createdAt: string;
}

const LIST_LIMIT = 50;

/**
 * A development mailbox, like MailHog: what the application would have sent by email or SMS, kept in a table so
 * that every process (API replicas, workers) records into the same box and tests read it over HTTP
 * (`GET /api/dev/mailbox?to=`, DevToolsModule). Nothing is recorded in production: there the route does not exist,
 * and codes must not sit in a table. The notifications context will later feed it from an in-process SMTP server
 * and an SMS sandbox; whoever delivers a message calls {@link record}.
 */
@Injectable()
export class DevMailbox {
  private readonly logger = new Logger('DevMailbox');
  readonly enabled: boolean;

  constructor(
    config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.enabled = config.env !== 'production';
  }

  async record(message: DevMailMessage): Promise<void> {
    if (!this.enabled) return;
    await this.dataSource.query(
      `INSERT INTO dev_mailbox (channel, to_address, subject, text, html, meta) VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
      [
        message.channel,
        normalizeAddress(message.to),
        message.subject ?? null,
        message.text,
        message.html ?? null,
        JSON.stringify(message.meta),
      ],
    );
    this.logger.debug(`${message.channel} to ${message.to} kept in the dev mailbox`);
  }

  /** What was sent to `to`, newest first (at most 50). */
  async list(to: string): Promise<DevMailView[]> {
    if (!this.enabled) return [];
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, channel, to_address, subject, text, html, meta, created_at
         FROM dev_mailbox WHERE to_address = $1 ORDER BY dev_mailbox.id DESC LIMIT ${LIST_LIMIT}`,
      [normalizeAddress(to)],
    )) as Array<{
      id: string;
      channel: 'email' | 'sms';
      to_address: string;
      subject: string | null;
      text: string;
      html: string | null;
      meta: Record<string, unknown>;
      created_at: Date;
    }>;
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      to: row.to_address,
      ...(row.subject !== null && { subject: row.subject }),
      text: row.text,
      ...(row.html !== null && { html: row.html }),
      meta: row.meta,
      createdAt: row.created_at.toISOString(),
    }));
  }
}

/** Emails compare in lower case; phone numbers without spaces, dashes or brackets. */
function normalizeAddress(to: string): string {
  const trimmed = to.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  const digits = trimmed.replace(/[\s().-]/g, '');
  return digits.startsWith('+') ? digits : `+${digits}`;
}
