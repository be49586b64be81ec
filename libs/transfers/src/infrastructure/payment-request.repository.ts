import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { PaymentRequestStatus } from '../domain/payment-request';

export interface PaymentRequestRecord {
  id: string;
  token: string;
  requesterUserId: string;
  payerUserId: string | null;
  payerRef: string | null;
  currency: string;
  amount: bigint | null;
  paidAmount: bigint;
  note: string | null;
  status: PaymentRequestStatus;
  expiresAt: Date;
  lastRemindedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PaymentRecord {
  id: string;
  requestId: string;
  payerUserId: string;
  transferId: string;
  currency: string;
  amount: bigint;
  paidAt: Date;
}

interface Row {
  id: string;
  token: string;
  requester_user_id: string;
  payer_user_id: string | null;
  payer_ref: string | null;
  currency: string;
  amount: string | null;
  paid_amount: string;
  note: string | null;
  status: PaymentRequestStatus;
  expires_at: Date;
  last_reminded_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, token, requester_user_id, payer_user_id, payer_ref, currency, amount::text AS amount,
  paid_amount::text AS paid_amount, note, status, expires_at, last_reminded_at, created_at, updated_at`;

function toRecord(row: Row): PaymentRequestRecord {
  return {
    id: row.id,
    token: row.token,
    requesterUserId: row.requester_user_id,
    payerUserId: row.payer_user_id,
    payerRef: row.payer_ref,
    currency: row.currency,
    amount: row.amount === null ? null : BigInt(row.amount),
    paidAmount: BigInt(row.paid_amount),
    note: row.note,
    status: row.status,
    expiresAt: new Date(row.expires_at),
    lastRemindedAt: row.last_reminded_at ? new Date(row.last_reminded_at) : null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class PaymentRequestRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, r: PaymentRequestRecord): Promise<void> {
    await tx.query(
      `INSERT INTO payment_requests (id, token, requester_user_id, payer_user_id, payer_ref, currency, amount,
         paid_amount, note, status, expires_at, last_reminded_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        r.id,
        r.token,
        r.requesterUserId,
        r.payerUserId,
        r.payerRef,
        r.currency,
        r.amount?.toString() ?? null,
        r.paidAmount.toString(),
        r.note,
        r.status,
        r.expiresAt,
        r.lastRemindedAt,
        r.createdAt,
        r.updatedAt,
      ],
    );
  }

  async find(id: string, tx?: EntityManager): Promise<PaymentRequestRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = (await (tx ?? this.dataSource).query(
      `SELECT ${COLUMNS} FROM payment_requests WHERE id = $1`,
      [id],
    )) as Row[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async findByToken(token: string): Promise<PaymentRequestRecord | null> {
    const rows = (await this.dataSource.query(`SELECT ${COLUMNS} FROM payment_requests WHERE token = $1`, [
      token,
    ])) as Row[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  /** Locks the request row for a change (pay, decline, cancel, remind): payments of one request run one at a time. */
  async lock(tx: EntityManager, id: string): Promise<PaymentRequestRecord | null> {
    if (!UUID.test(id)) return null;
    const rows = (await tx.query(`SELECT ${COLUMNS} FROM payment_requests WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as Row[];
    return rows.length > 0 ? toRecord(rows[0]) : null;
  }

  async setStatus(
    tx: EntityManager,
    id: string,
    change: { status: PaymentRequestStatus; paidAmount?: bigint; lastRemindedAt?: Date },
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE payment_requests SET status = $2, paid_amount = COALESCE($3::bigint, paid_amount),
              last_reminded_at = COALESCE($4, last_reminded_at), updated_at = $5 WHERE id = $1`,
      [id, change.status, change.paidAmount?.toString() ?? null, change.lastRemindedAt ?? null, at],
    );
  }

  async insertPayment(tx: EntityManager, payment: PaymentRecord): Promise<void> {
    await tx.query(
      `INSERT INTO payment_request_payments (id, request_id, payer_user_id, transfer_id, currency, amount, paid_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        payment.id,
        payment.requestId,
        payment.payerUserId,
        payment.transferId,
        payment.currency,
        payment.amount.toString(),
        payment.paidAt,
      ],
    );
  }

  async payments(requestIds: string[], tx?: EntityManager): Promise<PaymentRecord[]> {
    if (requestIds.length === 0) return [];
    const rows = (await (tx ?? this.dataSource).query(
      `SELECT id, request_id, payer_user_id, transfer_id, currency, amount::text AS amount, paid_at
         FROM payment_request_payments WHERE request_id = ANY($1::uuid[]) ORDER BY paid_at, id`,
      [requestIds],
    )) as Array<{
      id: string;
      request_id: string;
      payer_user_id: string;
      transfer_id: string;
      currency: string;
      amount: string;
      paid_at: Date;
    }>;
    return rows.map((row) => ({
      id: row.id,
      requestId: row.request_id,
      payerUserId: row.payer_user_id,
      transferId: row.transfer_id,
      currency: row.currency,
      amount: BigInt(row.amount),
      paidAt: new Date(row.paid_at),
    }));
  }

  /**
   * A page of the user's requests, newest first: `outgoing` those they made, `incoming` those made to them (less
   * those from requesters in `hiddenRequesters`: the ones they blocked).
   */
  async page(
    userId: string,
    options: {
      direction: 'incoming' | 'outgoing';
      status?: PaymentRequestStatus;
      after?: { createdAt: Date; id: string };
      limit: number;
    },
  ): Promise<PaymentRequestRecord[]> {
    const values: unknown[] = [userId];
    const where =
      options.direction === 'outgoing'
        ? ['requester_user_id = $1']
        : [
            'payer_user_id = $1',
            // Requests from users the payer blocked are dropped for them (issue 17).
            `NOT EXISTS (SELECT 1 FROM contacts c WHERE c.owner_user_id = $1
               AND c.contact_user_id = payment_requests.requester_user_id AND c.blocked)`,
          ];
    if (options.status) {
      values.push(options.status);
      where.push(`status = $${values.length}`);
    }
    if (options.after) {
      values.push(options.after.createdAt, options.after.id);
      where.push(`(created_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(options.limit);
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM payment_requests WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    )) as Row[];
    return rows.map(toRecord);
  }

  /**
   * Closes every payable request whose expiry has come, at most `limit`, in the caller's transaction (skipping rows
   * another sweep or a payment holds): each becomes `expired`, or `paid` if it was an open request paid at least once.
   */
  async expireDue(tx: EntityManager, now: Date, limit: number): Promise<PaymentRequestRecord[]> {
    const rows = (await tx.query(
      `WITH due AS (
         SELECT id FROM payment_requests
          WHERE status IN ('requested', 'partially_paid') AND expires_at <= $1
          ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE payment_requests p
          SET status = CASE WHEN p.paid_amount > 0 THEN 'paid' ELSE 'expired' END, updated_at = $1
         FROM due WHERE p.id = due.id
       RETURNING ${COLUMNS.replace(/(^|, |\n\s*)(\w+)/g, '$1p.$2')}`,
      [now, limit],
    )) as [Row[], number];
    return rows[0].map(toRecord);
  }
}
