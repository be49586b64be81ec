import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type InviteStatus = 'pending' | 'claimed' | 'expired' | 'cancelled';

export interface InviteRecord {
  id: string;
  senderUserId: string;
  recipientKind: 'email' | 'phone';
  recipientValue: string;
  recipientRef: string;
  currency: string;
  amount: bigint;
  fee: bigint;
  /** The USD value consumed from the sender's limits (minor units of USD), given back if it is voided. */
  usdValue: bigint;
  note: string | null;
  holdId: string;
  status: InviteStatus;
  claimedByUserId: string | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: string;
  sender_user_id: string;
  recipient_kind: 'email' | 'phone';
  recipient_value: string;
  recipient_ref: string;
  currency: string;
  amount: string;
  fee: string;
  usd_value: string;
  note: string | null;
  hold_id: string;
  status: InviteStatus;
  claimed_by_user_id: string | null;
  expires_at: Date;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, sender_user_id, recipient_kind, recipient_value, recipient_ref, currency, amount::text AS amount,
  fee::text AS fee, usd_value::text AS usd_value, note, hold_id, status, claimed_by_user_id, expires_at, created_at,
  updated_at`;

function toRecord(row: Row): InviteRecord {
  return {
    id: row.id,
    senderUserId: row.sender_user_id,
    recipientKind: row.recipient_kind,
    recipientValue: row.recipient_value,
    recipientRef: row.recipient_ref,
    currency: row.currency,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
    usdValue: BigInt(row.usd_value),
    note: row.note,
    holdId: row.hold_id,
    status: row.status,
    claimedByUserId: row.claimed_by_user_id,
    expiresAt: new Date(row.expires_at),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class P2pInviteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, r: InviteRecord): Promise<void> {
    await tx.query(
      `INSERT INTO p2p_invites (id, sender_user_id, recipient_kind, recipient_value, recipient_ref, currency, amount,
         fee, usd_value, note, hold_id, status, claimed_by_user_id, expires_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        r.id,
        r.senderUserId,
        r.recipientKind,
        r.recipientValue,
        r.recipientRef,
        r.currency,
        r.amount.toString(),
        r.fee.toString(),
        r.usdValue.toString(),
        r.note,
        r.holdId,
        r.status,
        r.claimedByUserId,
        r.expiresAt,
        r.createdAt,
        r.updatedAt,
      ],
    );
  }

  async findForSender(id: string, senderId: string): Promise<InviteRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM p2p_invites WHERE id = $1 AND sender_user_id = $2`,
      [id, senderId],
    )) as Row[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async lock(tx: EntityManager, id: string): Promise<InviteRecord | null> {
    const rows = (await tx.query(`SELECT ${COLUMNS} FROM p2p_invites WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as Row[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async setStatus(
    tx: EntityManager,
    id: string,
    status: InviteStatus,
    at: Date,
    claimedBy: string | null = null,
  ): Promise<void> {
    await tx.query(
      `UPDATE p2p_invites SET status = $2, claimed_by_user_id = COALESCE($3, claimed_by_user_id), updated_at = $4
        WHERE id = $1`,
      [id, status, claimedBy, at],
    );
  }

  /** Pending invites still in their window (what a verified address may claim), oldest first. */
  async pendingOpen(now: Date, limit: number): Promise<InviteRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM p2p_invites WHERE status = 'pending' AND expires_at > $1
        ORDER BY created_at LIMIT $2`,
      [now, limit],
    )) as Row[];
    return rows.map(toRecord);
  }

  /** Pending invites to these verified addresses, still in their window (the pending index serves it). */
  async pendingTo(
    addresses: Array<{ kind: 'email' | 'phone'; value: string }>,
    now: Date,
  ): Promise<InviteRecord[]> {
    if (addresses.length === 0) return [];
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM p2p_invites
        WHERE status = 'pending' AND expires_at > $1
          AND (recipient_kind, recipient_value) IN (SELECT * FROM unnest($2::text[], $3::text[]))
        ORDER BY created_at`,
      [now, addresses.map((a) => a.kind), addresses.map((a) => a.value)],
    )) as Row[];
    return rows.map(toRecord);
  }

  async pendingDue(now: Date, limit: number): Promise<InviteRecord[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM p2p_invites WHERE status = 'pending' AND expires_at <= $1
        ORDER BY expires_at LIMIT $2`,
      [now, limit],
    )) as Row[];
    return rows.map(toRecord);
  }
}
