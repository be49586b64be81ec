import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

export type BillPaymentStatus =
  'pending' | 'processing' | 'sent' | 'posted' | 'failed' | 'reversed' | 'cancelled';

export interface Payee {
  id: string;
  userId: string;
  billerId: string;
  accountMask: string;
  nickname: string;
  createdAt: Date;
}

export interface BillPayment {
  id: string;
  userId: string;
  payeeId: string;
  billerId: string;
  method: 'electronic' | 'paper';
  status: BillPaymentStatus;
  currency: string;
  amount: bigint;
  holdId: string | null;
  ledgerTransactionId: string | null;
  reversalTransactionId: string | null;
  failureCode: string | null;
  sandboxOutcome: 'ok' | 'refused' | 'reversed';
  estimatedDelivery: string;
  deliverBy: string | null;
  runAt: Date;
  sendAt: Date;
  postAt: Date;
  nextStepAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAYMENT_COLUMNS = `id, user_id, payee_id, biller_id, method, status, currency, amount::text AS amount, hold_id,
  ledger_transaction_id, reversal_transaction_id, failure_code, sandbox_outcome,
  to_char(estimated_delivery, 'YYYY-MM-DD') AS estimated_delivery, to_char(deliver_by, 'YYYY-MM-DD') AS deliver_by,
  run_at, send_at, post_at, next_step_at, created_at, updated_at`;

interface PaymentRow {
  id: string;
  user_id: string;
  payee_id: string;
  biller_id: string;
  method: 'electronic' | 'paper';
  status: BillPaymentStatus;
  currency: string;
  amount: string;
  hold_id: string | null;
  ledger_transaction_id: string | null;
  reversal_transaction_id: string | null;
  failure_code: string | null;
  sandbox_outcome: 'ok' | 'refused' | 'reversed';
  estimated_delivery: string;
  deliver_by: string | null;
  run_at: Date;
  send_at: Date;
  post_at: Date;
  next_step_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

function toPayment(row: PaymentRow): BillPayment {
  return {
    id: row.id,
    userId: row.user_id,
    payeeId: row.payee_id,
    billerId: row.biller_id,
    method: row.method,
    status: row.status,
    currency: row.currency,
    amount: BigInt(row.amount),
    holdId: row.hold_id,
    ledgerTransactionId: row.ledger_transaction_id,
    reversalTransactionId: row.reversal_transaction_id,
    failureCode: row.failure_code,
    sandboxOutcome: row.sandbox_outcome,
    estimatedDelivery: row.estimated_delivery,
    deliverBy: row.deliver_by,
    runAt: row.run_at,
    sendAt: row.send_at,
    postAt: row.post_at,
    nextStepAt: row.next_step_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `bill_payees` and `bill_payments`: all the SQL of bill pay. */
@Injectable()
export class BillPayRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertPayee(payee: Payee & { sealedNumber: string; fingerprint: string }): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `INSERT INTO bill_payees (id, user_id, biller_id, account_number_sealed, account_mask, fingerprint, nickname, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id, fingerprint) DO NOTHING RETURNING id`,
      [
        payee.id,
        payee.userId,
        payee.billerId,
        payee.sealedNumber,
        payee.accountMask,
        payee.fingerprint,
        payee.nickname,
        payee.createdAt,
      ],
    )) as unknown[];
    return rows.length === 1;
  }

  async payeeByFingerprint(userId: string, fingerprint: string): Promise<Payee | null> {
    const rows = (await this.dataSource.query(
      `SELECT id, user_id, biller_id, account_mask, nickname, created_at FROM bill_payees
        WHERE user_id = $1 AND fingerprint = $2`,
      [userId, fingerprint],
    )) as Array<Record<string, unknown>>;
    return rows[0] ? toPayee(rows[0]) : null;
  }

  async payee(
    userId: string,
    id: string,
    tx?: EntityManager,
  ): Promise<(Payee & { sealedNumber: string }) | null> {
    if (!UUID.test(id)) return null;
    const rows = (await (tx ?? this.dataSource.manager).query(
      `SELECT id, user_id, biller_id, account_mask, nickname, created_at, account_number_sealed FROM bill_payees
        WHERE id = $1 AND user_id = $2`,
      [id, userId],
    )) as Array<Record<string, unknown>>;
    return rows[0] ? { ...toPayee(rows[0]), sealedNumber: rows[0].account_number_sealed as string } : null;
  }

  async payees(userId: string): Promise<Payee[]> {
    const rows = (await this.dataSource.query(
      `SELECT id, user_id, biller_id, account_mask, nickname, created_at FROM bill_payees
        WHERE user_id = $1 ORDER BY created_at, id`,
      [userId],
    )) as Array<Record<string, unknown>>;
    return rows.map(toPayee);
  }

  async lastPayments(userId: string): Promise<Map<string, BillPayment>> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT ON (payee_id) ${PAYMENT_COLUMNS} FROM bill_payments WHERE user_id = $1
        ORDER BY payee_id, created_at DESC, id DESC`,
      [userId],
    )) as PaymentRow[];
    return new Map(rows.map((row) => [row.payee_id, toPayment(row)]));
  }

  async insertPayment(tx: EntityManager, p: BillPayment): Promise<void> {
    await tx.query(
      `INSERT INTO bill_payments (id, user_id, payee_id, biller_id, method, status, currency, amount, hold_id,
         sandbox_outcome, estimated_delivery, deliver_by, run_at, send_at, post_at, next_step_at, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)`,
      [
        p.id,
        p.userId,
        p.payeeId,
        p.billerId,
        p.method,
        p.status,
        p.currency,
        p.amount.toString(),
        p.holdId,
        p.sandboxOutcome,
        p.estimatedDelivery,
        p.deliverBy,
        p.runAt,
        p.sendAt,
        p.postAt,
        p.nextStepAt,
        p.createdAt,
      ],
    );
  }

  async payment(id: string, tx?: EntityManager, lock = false): Promise<BillPayment | null> {
    if (!UUID.test(id)) return null;
    const rows = (await (tx ?? this.dataSource.manager).query(
      `SELECT ${PAYMENT_COLUMNS} FROM bill_payments WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    )) as PaymentRow[];
    return rows[0] ? toPayment(rows[0]) : null;
  }

  async update(
    tx: EntityManager,
    id: string,
    changes: {
      status: BillPaymentStatus;
      nextStepAt: Date | null;
      now: Date;
      ledgerTransactionId?: string;
      reversalTransactionId?: string;
      failureCode?: string;
    },
  ): Promise<void> {
    await tx.query(
      `UPDATE bill_payments SET status = $2, next_step_at = $3, updated_at = $4,
          ledger_transaction_id = COALESCE($5, ledger_transaction_id),
          reversal_transaction_id = COALESCE($6, reversal_transaction_id),
          failure_code = COALESCE($7, failure_code)
        WHERE id = $1`,
      [
        id,
        changes.status,
        changes.nextStepAt,
        changes.now,
        changes.ledgerTransactionId ?? null,
        changes.reversalTransactionId ?? null,
        changes.failureCode ?? null,
      ],
    );
  }

  async due(now: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM bill_payments WHERE next_step_at IS NOT NULL AND next_step_at <= $1
        ORDER BY next_step_at, id LIMIT $2`,
      [now, limit],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  async history(
    userId: string,
    limit: number,
    before?: { createdAt: Date; id: string },
  ): Promise<BillPayment[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${PAYMENT_COLUMNS} FROM bill_payments WHERE user_id = $1
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, before?.createdAt ?? null, before?.id ?? null, limit],
    )) as PaymentRow[];
    return rows.map(toPayment);
  }

  /** What bill pay owes billers and has sent (sent or posted, not reversed), for reconciliation. */
  async sentTotal(currency: string): Promise<bigint> {
    const [row] = (await this.dataSource.query(
      `SELECT COALESCE(SUM(amount), 0)::text AS total FROM bill_payments
        WHERE currency = $1 AND status IN ('sent', 'posted')`,
      [currency],
    )) as Array<{ total: string }>;
    return BigInt(row.total);
  }
}

function toPayee(row: Record<string, unknown>): Payee {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    billerId: row.biller_id as string,
    accountMask: row.account_mask as string,
    nickname: row.nickname as string,
    createdAt: row.created_at as Date,
  };
}
