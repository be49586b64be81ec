import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface NotificationRecord {
  id: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  channels: string[];
  createdAt: Date;
  readAt: Date | null;
}

interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  channels: string[];
  created_at: Date;
  read_at: Date | null;
}

const COLUMNS = 'id, user_id, kind, title, body, data, channels, created_at, read_at';

function toRecord(row: NotificationRow): NotificationRecord {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    data: row.data,
    channels: row.channels,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

/** A notification as it is stored: rendered in the user's language, with the channels it goes to. */
export interface NotificationDraft {
  id: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  dedupeKey: string | null;
  channels: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The in-app notifications. All SQL for them lives here. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores notifications in `tx`, in order, in one statement; answers those stored (not those whose user already
   * has one with the same dedupe key). The creation time is the clock's (not the transaction's), row by row, so
   * notifications of one batch keep their order.
   */
  async insertMany(tx: EntityManager, drafts: readonly NotificationDraft[]): Promise<NotificationRecord[]> {
    if (drafts.length === 0) return [];
    const rows = (await tx.query(
      `INSERT INTO notifications (id, user_id, kind, title, body, data, dedupe_key, channels, created_at)
       SELECT d.id, d.user_id, d.kind, d.title, d.body, d.data, d.dedupe_key,
              ARRAY(SELECT jsonb_array_elements_text(d.channels)), clock_timestamp()
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::jsonb[])
              WITH ORDINALITY AS d(id, user_id, kind, title, body, data, dedupe_key, channels, n)
        ORDER BY d.n
       ON CONFLICT (user_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        drafts.map((d) => d.id),
        drafts.map((d) => d.userId),
        drafts.map((d) => d.kind),
        drafts.map((d) => d.title),
        drafts.map((d) => d.body),
        drafts.map((d) => JSON.stringify(d.data)),
        drafts.map((d) => d.dedupeKey),
        drafts.map((d) => JSON.stringify(d.channels)),
      ],
    )) as NotificationRow[];
    return rows.map(toRecord);
  }

  /** The user's notifications, newest first; `after` is the (created_at, id) of the previous page's last row. */
  async list(
    userId: string,
    page: { limit: number; unreadOnly: boolean; after?: { createdAt: Date; id: string } },
  ): Promise<NotificationRecord[]> {
    const values: unknown[] = [userId, page.limit];
    let where = `user_id = $1 AND 'in_app' = ANY(channels)`;
    if (page.unreadOnly) where += ' AND read_at IS NULL';
    if (page.after) {
      values.push(page.after.createdAt, page.after.id);
      where += ' AND (created_at, id) < ($3, $4::uuid)';
    }
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT $2`,
      values,
    )) as NotificationRow[];
    return rows.map(toRecord);
  }

  async unreadCount(userId: string): Promise<number> {
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM notifications
        WHERE user_id = $1 AND read_at IS NULL AND 'in_app' = ANY(channels)`,
      [userId],
    )) as Array<{ count: number }>;
    return count;
  }

  /** One of the user's notifications; null for another user's or an unknown id. */
  async get(userId: string, id: string): Promise<NotificationRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM notifications WHERE id = $1 AND user_id = $2`,
      [id, userId],
    )) as NotificationRow[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  /** Marks it read (the first time only: read_at keeps its first value); null for another user's or unknown id. */
  async markRead(userId: string, id: string): Promise<NotificationRecord | null> {
    if (!UUID.test(id)) return null;
    const [rows] = (await this.dataSource.query(
      `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2
       RETURNING ${COLUMNS}`,
      [id, userId],
    )) as [NotificationRow[], number];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }
}
