import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CoalescedWrites } from '../runtime/coalesced-writes';

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

/** What a message kept as it arrived (an email's RFC 5322 bytes) is, decoded: by whoever received it. */
export type RawMessageDecoder = (
  raw: Buffer,
) => Promise<Pick<DevMailMessage, 'subject' | 'text' | 'html' | 'meta'>>;

/**
 * A development mailbox, like MailHog: what the application would have sent by email or SMS, kept in a table so
 * that every process (API replicas, workers) records into the same box and tests read it over HTTP
 * (`GET /api/dev/mailbox?to=`, DevToolsModule). Nothing is recorded in production: there the route does not exist,
 * and codes must not sit in a table. Whoever delivers a message calls {@link record}; the embedded SMTP server keeps
 * each email as it arrived ({@link recordRaw}) and it is decoded only when read (its decoder, {@link decodeRawWith}):
 * nearly all of them never are, and decoding each on arrival cost a third of an email's delivery.
 */
@Injectable()
export class DevMailbox {
  private readonly logger = new Logger('DevMailbox');
  readonly enabled: boolean;
  private decode: RawMessageDecoder | undefined;

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

  /** Several messages in one statement (a vendor sandbox's batch). */
  async recordMany(messages: readonly DevMailMessage[]): Promise<void> {
    if (!this.enabled || messages.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO dev_mailbox (channel, to_address, subject, text, html, meta)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])`,
      [
        messages.map((message) => message.channel),
        messages.map((message) => normalizeAddress(message.to)),
        messages.map((message) => message.subject ?? null),
        messages.map((message) => message.text),
        messages.map((message) => message.html ?? null),
        messages.map((message) => JSON.stringify(message.meta)),
      ],
    );
  }

  /**
   * A message to each of `to` kept as it arrived; {@link list} decodes it with the {@link decodeRawWith} decoder.
   * Messages that arrive while one is being written are written together, in one statement.
   */
  async recordRaw(channel: DevMailMessage['channel'], to: readonly string[], raw: Buffer): Promise<void> {
    if (!this.enabled || to.length === 0) return;
    await Promise.all(
      to.map((address) => this.rawWrites.add({ channel, to: normalizeAddress(address), raw })),
    );
  }

  private readonly rawWrites = new CoalescedWrites<{ channel: string; to: string; raw: Buffer }>(
    async (rows) => {
      await this.dataSource.query(
        `INSERT INTO dev_mailbox (channel, to_address, text, raw)
         SELECT channel, to_address, '', raw FROM unnest($1::text[], $2::text[], $3::bytea[]) AS m(channel, to_address, raw)`,
        [rows.map((row) => row.channel), rows.map((row) => row.to), rows.map((row) => row.raw)],
      );
    },
  );

  /** How {@link list} decodes what {@link recordRaw} kept (the embedded SMTP server registers it). */
  decodeRawWith(decoder: RawMessageDecoder): void {
    this.decode = decoder;
  }

  /** What was sent to `to`, newest first (at most 50). Messages kept raw are decoded now, and kept decoded. */
  async list(to: string): Promise<DevMailView[]> {
    if (!this.enabled) return [];
    const rows = (await this.dataSource.query(
      `SELECT id::text AS id, channel, to_address, subject, text, html, meta, raw, created_at
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
      raw: Buffer | null;
      created_at: Date;
    }>;
    const decoder = this.decode;
    const decoded = decoder
      ? await Promise.all(
          rows.map(async (row) => {
            if (row.raw === null) return null;
            try {
              return { id: row.id, ...(await decoder(row.raw)) };
            } catch (error) {
              // Shown as it is (empty) rather than failing the whole list; it is decoded again on the next read.
              this.logger.warn(
                `dev mailbox message ${row.id} could not be decoded: ${(error as Error).message}`,
              );
              return null;
            }
          }),
        )
      : [];
    const fresh = decoded.filter((message) => message !== null);
    if (fresh.length > 0) {
      await this.dataSource.query(
        `UPDATE dev_mailbox m SET subject = d.subject, text = d.text, html = d.html, meta = d.meta, raw = NULL
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::jsonb[]) AS d(id, subject, text, html, meta)
          WHERE m.id = d.id AND m.raw IS NOT NULL`,
        [
          fresh.map((m) => m.id),
          fresh.map((m) => m.subject ?? null),
          fresh.map((m) => m.text),
          fresh.map((m) => m.html ?? null),
          fresh.map((m) => JSON.stringify(m.meta)),
        ],
      );
    }
    return rows.map((row, index) => {
      const message = decoded[index] ?? row;
      return {
        id: row.id,
        channel: row.channel,
        to: row.to_address,
        ...((message.subject ?? null) !== null && { subject: message.subject as string }),
        text: message.text,
        ...((message.html ?? null) !== null && { html: message.html as string }),
        meta: message.meta,
        createdAt: row.created_at.toISOString(),
      };
    });
  }
}

/** Emails compare in lower case; phone numbers without spaces, dashes or brackets. */
function normalizeAddress(to: string): string {
  const trimmed = to.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  const digits = trimmed.replace(/[\s().-]/g, '');
  return digits.startsWith('+') ? digits : `+${digits}`;
}
