import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SqlRead } from '#monay/shared';

export type ContactFlag = 'favourite' | 'trusted' | 'blocked';

export interface ContactRecord {
  id: string;
  ownerUserId: string;
  contactUserId: string | null;
  externalAddress: string | null;
  ref: string;
  nickname: string;
  favourite: boolean;
  trusted: boolean;
  blocked: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface ContactRow {
  id: string;
  owner_user_id: string;
  contact_user_id: string | null;
  external_address: string | null;
  ref: string;
  nickname: string;
  favourite: boolean;
  trusted: boolean;
  blocked: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, owner_user_id, contact_user_id, external_address, ref, nickname, favourite, trusted, blocked,
  created_at, updated_at`;

function toRecord(row: ContactRow): ContactRecord {
  return {
    id: row.id,
    ownerUserId: row.owner_user_id,
    contactUserId: row.contact_user_id,
    externalAddress: row.external_address,
    ref: row.ref,
    nickname: row.nickname,
    favourite: row.favourite,
    trusted: row.trusted,
    blocked: row.blocked,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface FrequentRow {
  recipientUserId: string;
  lastRef: string;
  currency: string;
  count: number;
  total: bigint;
  lastPaidAt: Date;
}

/** Contacts, the discovery setting and its daily quota: all their SQL (and the "frequent" read of `transfers`). */
@Injectable()
export class ContactRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Inserts the contact; null when the owner already has that user or address (the unique index says so). */
  async insert(contact: ContactRecord): Promise<ContactRecord | null> {
    const rows = (await this.dataSource.query(
      `INSERT INTO contacts (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [
        contact.id,
        contact.ownerUserId,
        contact.contactUserId,
        contact.externalAddress,
        contact.ref,
        contact.nickname,
        contact.favourite,
        contact.trusted,
        contact.blocked,
        contact.createdAt,
        contact.updatedAt,
      ],
    )) as ContactRow[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async findExisting(ownerId: string, by: { userId: string | null; address: string | null }) {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contacts WHERE owner_user_id = $1
         AND (contact_user_id = $2 OR external_address = $3)`,
      [ownerId, by.userId, by.address],
    )) as ContactRow[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async findOwned(ownerId: string, id: string): Promise<ContactRecord | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contacts WHERE id = $1 AND owner_user_id = $2`,
      [id, ownerId],
    )) as ContactRow[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async update(
    ownerId: string,
    id: string,
    change: Partial<Pick<ContactRecord, 'nickname' | ContactFlag>>,
    at: Date,
  ): Promise<ContactRecord | null> {
    const rows = (await this.dataSource.query(
      `UPDATE contacts SET nickname = COALESCE($3, nickname), favourite = COALESCE($4, favourite),
              trusted = COALESCE($5, trusted), blocked = COALESCE($6, blocked), updated_at = $7
        WHERE id = $1 AND owner_user_id = $2 RETURNING ${COLUMNS}`,
      [
        id,
        ownerId,
        change.nickname ?? null,
        change.favourite ?? null,
        change.trusted ?? null,
        change.blocked ?? null,
        at,
      ],
    )) as [ContactRow[], number];
    const updated = rows[0];
    return updated.length > 0 ? toRecord(updated[0]) : null;
  }

  async delete(ownerId: string, id: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `DELETE FROM contacts WHERE id = $1 AND owner_user_id = $2 RETURNING id`,
      [id, ownerId],
    )) as [unknown[], number];
    return rows[0].length > 0;
  }

  /** One page, newest first, after the (createdAt, id) cursor; `search` matches the nickname or what was typed. */
  async page(
    ownerId: string,
    options: { flag?: ContactFlag; search?: string; after?: { createdAt: Date; id: string }; limit: number },
  ): Promise<ContactRecord[]> {
    const where = ['owner_user_id = $1'];
    const values: unknown[] = [ownerId];
    if (options.flag) where.push(`${options.flag}`); // a ContactFlag: a column name from a closed set
    if (options.search) {
      values.push(`%${options.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(nickname ILIKE $${values.length} OR ref ILIKE $${values.length})`);
    }
    if (options.after) {
      values.push(options.after.createdAt, options.after.id);
      where.push(`(created_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(options.limit);
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contacts WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    )) as ContactRow[];
    return rows.map(toRecord);
  }

  /** The owner's contacts among these users (nicknames and flags for lists such as "frequent"). */
  async ofUsers(ownerId: string, userIds: string[]): Promise<ContactRecord[]> {
    if (userIds.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM contacts WHERE owner_user_id = $1 AND contact_user_id = ANY($2::uuid[])`,
      [ownerId, userIds],
    )) as ContactRow[];
    return rows.map(toRecord);
  }

  async isTrusted(ownerId: string, userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM contacts WHERE owner_user_id = $1 AND contact_user_id = $2 AND trusted AND NOT blocked`,
      [ownerId, userId],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * {@link blockersOf} as a read for a statement that carries others: of the users `ownerIds` selects (a
   * subquery over an earlier read of that statement), those who blocked `userId`.
   */
  blockersRead(userId: string, ownerIds: string): SqlRead<Set<string>> {
    return {
      sql: `SELECT owner_user_id FROM contacts
             WHERE contact_user_id = $1 AND owner_user_id IN (${ownerIds}) AND blocked`,
      params: [userId],
      decode: (rows) => new Set(rows.map((row) => row.owner_user_id as string)),
    };
  }

  /** Of `ownerIds`, those who blocked `userId`. */
  async blockersOf(userId: string, ownerIds: string[]): Promise<Set<string>> {
    if (ownerIds.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT owner_user_id FROM contacts WHERE contact_user_id = $1 AND owner_user_id = ANY($2::uuid[]) AND blocked`,
      [userId, ownerIds],
    )) as Array<{ owner_user_id: string }>;
    return new Set(rows.map((row) => row.owner_user_id));
  }

  /** Of `userIds`, those `ownerId` blocked. */
  async blockedBy(ownerId: string, userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT contact_user_id FROM contacts WHERE owner_user_id = $1 AND contact_user_id = ANY($2::uuid[]) AND blocked`,
      [ownerId, userIds],
    )) as Array<{ contact_user_id: string }>;
    return new Set(rows.map((row) => row.contact_user_id));
  }

  /**
   * What `senderId` paid each Monay recipient since `since`, per currency, from the completed transfers (the
   * transfers context's own record of them).
   */
  async paidSince(senderId: string, since: Date): Promise<FrequentRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT recipient_user_id, currency, count(*)::int AS count, sum(amount)::text AS total,
              max(created_at) AS last_paid_at,
              (array_agg(recipient_ref ORDER BY created_at DESC))[1] AS last_ref
         FROM transfers
        WHERE sender_user_id = $1 AND status = 'completed' AND created_at >= $2
        GROUP BY recipient_user_id, currency`,
      [senderId, since],
    )) as Array<{
      recipient_user_id: string;
      currency: string;
      count: number;
      total: string;
      last_paid_at: Date;
      last_ref: string;
    }>;
    return rows.map((row) => ({
      recipientUserId: row.recipient_user_id,
      lastRef: row.last_ref,
      currency: row.currency,
      count: Number(row.count),
      total: BigInt(row.total),
      lastPaidAt: new Date(row.last_paid_at),
    }));
  }

  async discoverable(userId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT discoverable FROM contact_discovery_settings WHERE user_id = $1`,
      [userId],
    )) as Array<{ discoverable: boolean }>;
    return rows[0]?.discoverable ?? false;
  }

  /** Of `userIds`, those who allow others to find them from an address book. */
  async discoverableAmong(userIds: string[]): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT user_id FROM contact_discovery_settings WHERE user_id = ANY($1::uuid[]) AND discoverable`,
      [userIds],
    )) as Array<{ user_id: string }>;
    return new Set(rows.map((row) => row.user_id));
  }

  async setDiscoverable(userId: string, discoverable: boolean, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO contact_discovery_settings (user_id, discoverable, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET discoverable = EXCLUDED.discoverable, updated_at = EXCLUDED.updated_at`,
      [userId, discoverable, at],
    );
  }

  /**
   * Takes `count` from the user's quota of `day` in one guarded upsert (two imports at once cannot both slip
   * under it): the new total, or null when it would pass `limit` (nothing is taken then).
   */
  async consumeDiscovery(userId: string, day: string, count: number, limit: number): Promise<number | null> {
    const rows = (await this.dataSource.query(
      `INSERT INTO contact_discovery_usage AS u (user_id, day, used)
       SELECT $1::uuid, $2::date, $3::int WHERE $3::int <= $4::int
       ON CONFLICT (user_id, day) DO UPDATE SET used = u.used + EXCLUDED.used
        WHERE u.used + EXCLUDED.used <= $4::int
       RETURNING used`,
      [userId, day, count, limit],
    )) as Array<{ used: number }>;
    return rows.length > 0 ? Number(rows[0].used) : null;
  }

  async discoveryUsed(userId: string, day: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT used FROM contact_discovery_usage WHERE user_id = $1 AND day = $2::date`,
      [userId, day],
    )) as Array<{ used: number }>;
    return rows.length > 0 ? Number(rows[0].used) : 0;
  }
}
