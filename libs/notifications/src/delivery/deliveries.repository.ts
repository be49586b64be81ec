import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DeliveryChannel, Locale } from '../domain/notification-kinds';

export const DELIVERY_STATUSES = [
  'queued',
  'deferred',
  'sending',
  'retrying',
  'sent',
  'delivered',
  'failed',
  'undelivered',
  'suppressed',
  'dead_lettered',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface PlannedDelivery {
  id: string;
  notificationId: string;
  userId: string;
  channel: DeliveryChannel;
  status: 'queued' | 'deferred' | 'suppressed';
  reason: string | null;
  notBefore: Date;
}

export interface DeliveryView {
  id: string;
  channel: DeliveryChannel;
  status: DeliveryStatus;
  reason: string | null;
  notBefore: string;
  attempts: number;
  vendorMessageId: string | null;
  errorCode: string | null;
  lastError: string | null;
  updatedAt: string;
}

/** A delivery claimed for sending, with what its notification says. */
export interface ClaimedDelivery {
  id: string;
  channel: DeliveryChannel;
  attempts: number;
  /** 'escalation': an SMS that follows a critical alert's push unless the notification was opened. */
  reason: string | null;
  /** When the user opened (read) the notification, if they did. */
  readAt: Date | null;
  /** How the same notification's push went, if it had one. */
  pushStatus: DeliveryStatus | null;
  notificationId: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  locale: Locale;
}

/** How one sending attempt of a delivery ended. */
export interface DeliveryOutcome {
  id: string;
  status: DeliveryStatus;
  vendorMessageId?: string | null;
  errorCode?: string | null;
  error?: string | null;
  reason?: string | null;
}

interface DeliveryRow {
  id: string;
  channel: DeliveryChannel;
  status: DeliveryStatus;
  reason: string | null;
  not_before: Date;
  attempts: number;
  vendor_message_id: string | null;
  error_code: string | null;
  last_error: string | null;
  updated_at: Date;
}

const toView = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  channel: row.channel,
  status: row.status,
  reason: row.reason,
  notBefore: row.not_before.toISOString(),
  attempts: row.attempts,
  vendorMessageId: row.vendor_message_id,
  errorCode: row.error_code,
  lastError: row.last_error,
  updatedAt: row.updated_at.toISOString(),
});

/** How far along a status is: a late or repeated vendor callback never moves a delivery back. */
const RANK: Record<string, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
};

/** A delivery being marked `sent` whose vendor already reported on it (its report came first): that report stands. */
const REPORTED = `(o.status = 'sent' AND d.status IN ('delivered', 'undelivered', 'failed'))`;

/** A claim older than this was left by a process that died while sending: another attempt may take it. */
const STALE_CLAIM = `interval '2 minutes'`;

/** Email, SMS and push deliveries: one row per (notification, channel). All their SQL lives here. */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** In the transaction that creates the notification; a (notification, channel) pair is planned once. */
  async plan(tx: EntityManager, deliveries: PlannedDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await tx.query(
      `INSERT INTO notification_deliveries (id, notification_id, user_id, channel, status, reason, not_before)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       ON CONFLICT (notification_id, channel) DO NOTHING`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.notificationId),
        deliveries.map((d) => d.userId),
        deliveries.map((d) => d.channel),
        deliveries.map((d) => d.status),
        deliveries.map((d) => d.reason),
        deliveries.map((d) => d.notBefore),
      ],
    );
  }

  /**
   * Takes deliveries that are due (quiet hours over) and not yet handed to the job queue, or handed over so long
   * ago that the job must have been lost, or claimed for sending so long ago that the process sending them must have
   * died (a job that fails or stalls after its claim finds them claimed and leaves them), and marks them handed over
   * now. Committed before the jobs are added: adding a job must not wait on another connection while this
   * transaction holds rows.
   *
   * The two kinds are read apart, each an index scan in its index's order: a plain index scan marks the entries of
   * rows that moved on (sent, failed) as dead when it passes them, so the due index stays short between vacuums. One
   * scan over both (a bitmap OR) never marks them, and revisited every such row's page on each look.
   */
  async takeDue(now: Date, limit: number): Promise<string[]> {
    const [rows] = (await this.dataSource.query(
      `WITH due AS (
         SELECT id FROM notification_deliveries
          WHERE status IN ('queued', 'deferred') AND not_before <= $1
            AND (enqueued_at IS NULL OR enqueued_at < $1::timestamptz - ${STALE_CLAIM})
          ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED),
       stale AS (
         SELECT id FROM notification_deliveries
          WHERE status = 'sending' AND updated_at < now() - ${STALE_CLAIM}
          ORDER BY updated_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE notification_deliveries d
          SET enqueued_at = $1, status = 'queued',
              reason = CASE WHEN d.status = 'deferred' AND d.reason = 'quiet_hours' THEN NULL ELSE d.reason END,
              updated_at = now()
        WHERE d.id IN (SELECT id FROM (SELECT id FROM due UNION ALL SELECT id FROM stale) taken LIMIT $2)
        RETURNING d.id`,
      [now, limit],
    )) as [Array<{ id: string }>, number];
    return rows.map((row) => row.id);
  }

  /**
   * Claims deliveries for one sending attempt each: only one attempt at a time, and never one that was already sent
   * or finally failed, so a job run twice (or re-driven after it was sent) sends once. Those not claimable are left
   * out of the answer.
   */
  async claim(ids: readonly string[]): Promise<ClaimedDelivery[]> {
    if (ids.length === 0) return [];
    const [rows] = (await this.dataSource.query(
      `UPDATE notification_deliveries d SET status = 'sending', attempts = d.attempts + 1, updated_at = now()
         FROM notifications n
        WHERE d.id = ANY($1::uuid[]) AND n.id = d.notification_id
          AND (d.status IN ('queued', 'retrying', 'dead_lettered')
               OR (d.status = 'sending' AND d.updated_at < now() - ${STALE_CLAIM}))
        RETURNING d.id, d.channel, d.attempts, d.reason, n.read_at,
          (SELECT status FROM notification_deliveries p WHERE p.notification_id = n.id AND p.channel = 'push')
            AS push_status,
          n.id AS notification_id, n.user_id, n.kind, n.title, n.body, n.data,
          coalesce((SELECT locale FROM notification_preferences p WHERE p.user_id = n.user_id), 'en') AS locale`,
      [ids],
    )) as [
      Array<{
        id: string;
        channel: DeliveryChannel;
        attempts: number;
        reason: string | null;
        read_at: Date | null;
        push_status: DeliveryStatus | null;
        notification_id: string;
        user_id: string;
        kind: string;
        title: string;
        body: string;
        data: Record<string, unknown>;
        locale: Locale;
      }>,
      number,
    ];
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      attempts: row.attempts,
      reason: row.reason,
      readAt: row.read_at,
      pushStatus: row.push_status,
      notificationId: row.notification_id,
      userId: row.user_id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      data: row.data,
      locale: row.locale,
    }));
  }

  /**
   * Where each claimed delivery ended (or stands, `retrying`): one statement for all of them. A `sent` never
   * overwrites what the vendor already reported (delivered, bounced), should its report come first.
   */
  async finish(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.dataSource.query(
      `UPDATE notification_deliveries d
          SET status = CASE WHEN ${REPORTED} THEN d.status ELSE o.status END,
              vendor_message_id = coalesce(o.vendor_message_id, d.vendor_message_id),
              error_code = CASE WHEN ${REPORTED} THEN d.error_code ELSE o.error_code END,
              last_error = o.last_error, reason = coalesce(o.reason, d.reason),
              updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
              AS o(id, status, vendor_message_id, error_code, last_error, reason)
        WHERE d.id = o.id`,
      [
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.status),
        outcomes.map((o) => o.vendorMessageId ?? null),
        outcomes.map((o) => o.errorCode ?? null),
        outcomes.map((o) => o.error ?? null),
        outcomes.map((o) => o.reason ?? null),
      ],
    );
  }

  /**
   * A vendor's status callback: moves the delivery forward (queued → sent → delivered | undelivered | failed),
   * never back, whatever order callbacks come in. Returns whether a delivery with that vendor id exists.
   */
  async applyVendorStatus(
    channel: DeliveryChannel,
    vendorMessageId: string,
    status: 'sent' | 'delivered' | 'undelivered' | 'failed',
    errorCode: string | null,
  ): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT id, status FROM notification_deliveries WHERE channel = $1 AND vendor_message_id = $2`,
      [channel, vendorMessageId],
    )) as Array<{ id: string; status: string }>;
    if (rows.length === 0) return false;
    const current = rows[0];
    if ((RANK[current.status] ?? 0) >= RANK[status]) return true;
    await this.dataSource.query(
      `UPDATE notification_deliveries SET status = $2, error_code = coalesce($3, error_code), updated_at = now()
        WHERE id = $1 AND status = $4`,
      [current.id, status, errorCode, current.status],
    );
    return true;
  }

  /**
   * A batch of email events (SendGrid's webhook), one statement: each delivery moves to its furthest event's status
   * if that is further than where it stands, never back, whatever order events come in; a repeated event moves
   * nothing. Returns how many deliveries moved.
   */
  async applyEmailEvents(
    events: ReadonlyArray<{
      deliveryId: string;
      status: 'sent' | 'delivered' | 'undelivered' | 'failed';
      errorCode: string | null;
    }>,
  ): Promise<number> {
    if (events.length === 0) return 0;
    const rank = (column: string) =>
      `CASE ${column} ${Object.entries(RANK)
        .map(([status, value]) => `WHEN '${status}' THEN ${value}`)
        .join(' ')} ELSE 0 END`;
    const [rows] = (await this.dataSource.query(
      `UPDATE notification_deliveries d
          SET status = f.status, error_code = coalesce(f.error_code, d.error_code), updated_at = now()
         FROM (SELECT DISTINCT ON (delivery_id) delivery_id, status, error_code
                 FROM unnest($1::uuid[], $2::text[], $3::text[]) AS e(delivery_id, status, error_code)
                ORDER BY delivery_id, ${rank('e.status')} DESC) f
        WHERE d.id = f.delivery_id AND d.channel = 'email' AND ${rank('d.status')} < ${rank('f.status')}
        RETURNING d.id`,
      [events.map((e) => e.deliveryId), events.map((e) => e.status), events.map((e) => e.errorCode)],
    )) as [unknown[], number];
    return rows.length;
  }

  /** Whether this (vendor message, status) callback is new: vendors send duplicates. */
  async firstCallback(messageSid: string, status: string): Promise<boolean> {
    const fresh = (await this.dataSource.query(
      `INSERT INTO notification_status_callbacks (message_sid, status) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING message_sid`,
      [messageSid, status],
    )) as unknown[];
    return fresh.length > 0;
  }

  async ofNotification(notificationId: string): Promise<DeliveryView[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, channel, status, reason, not_before, attempts, vendor_message_id, error_code, last_error, updated_at
         FROM notification_deliveries WHERE notification_id = $1 ORDER BY channel`,
      [notificationId],
    )) as DeliveryRow[];
    return rows.map(toView);
  }
}
