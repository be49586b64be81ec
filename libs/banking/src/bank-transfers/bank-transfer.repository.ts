import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { BankTransfer } from '../domain/bank-transfer';

interface Row {
  id: string;
  user_id: string;
  bank_account_id: string;
  rail: BankTransfer['rail'];
  direction: BankTransfer['direction'];
  speed: BankTransfer['speed'];
  status: BankTransfer['status'];
  currency: string;
  amount: string;
  fee: string;
  hold_id: string | null;
  ledger_transaction_id: string | null;
  reversal_transaction_id: string | null;
  vendor_transfer_id: string | null;
  return_code: string | null;
  bank_account_label: string;
  expected_settlement_at: Date;
  cancel_before: Date | null;
  next_check_at: Date | null;
  created_at: Date;
  settled_at: Date | null;
  closed_at: Date | null;
}

const COLUMNS = `id, user_id, bank_account_id, rail, direction, speed, status, currency, amount::text AS amount,
  fee::text AS fee, hold_id, ledger_transaction_id, reversal_transaction_id, vendor_transfer_id, return_code,
  bank_account_label, expected_settlement_at, cancel_before, next_check_at, created_at, settled_at, closed_at`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toTransfer(row: Row): BankTransfer {
  return {
    id: row.id,
    userId: row.user_id,
    bankAccountId: row.bank_account_id,
    rail: row.rail,
    direction: row.direction,
    speed: row.speed,
    status: row.status,
    currency: row.currency,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
    holdId: row.hold_id,
    ledgerTransactionId: row.ledger_transaction_id,
    reversalTransactionId: row.reversal_transaction_id,
    vendorTransferId: row.vendor_transfer_id,
    returnCode: row.return_code,
    bankAccountLabel: row.bank_account_label,
    expectedSettlementAt: row.expected_settlement_at,
    cancelBefore: row.cancel_before,
    nextCheckAt: row.next_check_at,
    createdAt: row.created_at,
    settledAt: row.settled_at,
    closedAt: row.closed_at,
  };
}

/** `bank_transfers` (and the rails' freezes and handled webhooks): all the SQL of bank transfers. */
@Injectable()
export class BankTransferRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, t: BankTransfer): Promise<void> {
    await tx.query(
      `INSERT INTO bank_transfers (id, user_id, bank_account_id, rail, direction, speed, status, currency, amount, fee,
         hold_id, bank_account_label, expected_settlement_at, cancel_before, next_check_at, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        t.id,
        t.userId,
        t.bankAccountId,
        t.rail,
        t.direction,
        t.speed,
        t.status,
        t.currency,
        t.amount.toString(),
        t.fee.toString(),
        t.holdId,
        t.bankAccountLabel,
        t.expectedSettlementAt,
        t.cancelBefore,
        t.nextCheckAt,
        t.createdAt,
      ],
    );
  }

  async find(id: string, tx?: EntityManager, lock = false): Promise<BankTransfer | null> {
    if (!UUID.test(id)) return null;
    const rows = (await (tx ?? this.dataSource.manager).query(
      `SELECT ${COLUMNS} FROM bank_transfers WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    )) as Row[];
    return rows[0] ? toTransfer(rows[0]) : null;
  }

  async findOwned(userId: string, id: string): Promise<BankTransfer | null> {
    const transfer = await this.find(id);
    return transfer && transfer.userId === userId ? transfer : null;
  }

  async findByVendorId(vendorTransferId: string): Promise<BankTransfer | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM bank_transfers WHERE vendor_transfer_id = $1`,
      [vendorTransferId],
    )) as Row[];
    return rows[0] ? toTransfer(rows[0]) : null;
  }

  async setVendorTransfer(id: string, vendorTransferId: string, nextCheckAt: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE bank_transfers SET vendor_transfer_id = $2, next_check_at = $3
        WHERE id = $1 AND vendor_transfer_id IS NULL`,
      [id, vendorTransferId, nextCheckAt],
    );
  }

  async update(
    tx: EntityManager,
    id: string,
    changes: Partial<
      Pick<
        BankTransfer,
        | 'status'
        | 'ledgerTransactionId'
        | 'reversalTransactionId'
        | 'returnCode'
        | 'nextCheckAt'
        | 'settledAt'
        | 'closedAt'
      >
    >,
  ): Promise<void> {
    const columns: Record<string, string> = {
      status: 'status',
      ledgerTransactionId: 'ledger_transaction_id',
      reversalTransactionId: 'reversal_transaction_id',
      returnCode: 'return_code',
      nextCheckAt: 'next_check_at',
      settledAt: 'settled_at',
      closedAt: 'closed_at',
    };
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    const sets = entries.map(([key], index) => `${columns[key]} = $${index + 2}`);
    await tx.query(`UPDATE bank_transfers SET ${sets.join(', ')} WHERE id = $1`, [
      id,
      ...entries.map(([, value]) => value),
    ]);
  }

  async due(now: Date, limit: number): Promise<BankTransfer[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM bank_transfers WHERE next_check_at IS NOT NULL AND next_check_at <= $1
        ORDER BY next_check_at, id LIMIT $2`,
      [now, limit],
    )) as Row[];
    return rows.map(toTransfer);
  }

  /** Whether a withdrawal to this account was ever processed (the account is not a new destination). */
  async hasPaidOutTo(userId: string, bankAccountId: string): Promise<boolean> {
    if (!UUID.test(bankAccountId)) return false;
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM bank_transfers WHERE user_id = $1 AND bank_account_id = $2 AND direction = 'withdrawal'
          AND status IN ('processed', 'returned') LIMIT 1`,
      [userId, bankAccountId],
    )) as unknown[];
    return rows.length > 0;
  }

  async hasPending(tx: EntityManager, bankAccountId: string): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT 1 FROM bank_transfers WHERE bank_account_id = $1 AND status = 'pending' LIMIT 1`,
      [bankAccountId],
    )) as unknown[];
    return rows.length > 0;
  }

  async list(
    userId: string,
    limit: number,
    before?: { createdAt: Date; id: string },
  ): Promise<BankTransfer[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM bank_transfers WHERE user_id = $1
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, before?.createdAt ?? null, before?.id ?? null, limit],
    )) as Row[];
    return rows.map(toTransfer);
  }

  /** Transfers whose effect the vendor may have and we have not booked yet (for reconciliation). */
  async unsettled(rail: string): Promise<BankTransfer[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM bank_transfers WHERE rail = $1 AND vendor_transfer_id IS NOT NULL
          AND (status = 'pending' OR (status = 'processed' AND next_check_at IS NOT NULL))`,
      [rail],
    )) as Row[];
    return rows.map(toTransfer);
  }

  async freezeOf(userId: string, tx?: EntityManager): Promise<{ returnCode: string } | null> {
    const rows = (await (tx ?? this.dataSource.manager).query(
      `SELECT return_code FROM bank_rail_freezes WHERE user_id = $1`,
      [userId],
    )) as Array<{ return_code: string }>;
    return rows[0] ? { returnCode: rows[0].return_code } : null;
  }

  async freeze(
    tx: EntityManager,
    userId: string,
    returnCode: string,
    transferId: string,
    now: Date,
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO bank_rail_freezes (user_id, return_code, bank_transfer_id, frozen_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO NOTHING RETURNING user_id`,
      [userId, returnCode, transferId, now],
    )) as unknown[];
    return rows.length > 0;
  }

  async isWebhookRecorded(vendor: string, eventId: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM bank_webhook_events WHERE vendor = $1 AND event_id = $2`,
      [vendor, eventId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Records a handled webhook; false when it was recorded already (a concurrent duplicate). */
  async recordWebhook(vendor: string, eventId: string, topic: string, resourceId: string, outcome: string) {
    const rows = (await this.dataSource.query(
      `INSERT INTO bank_webhook_events (vendor, event_id, topic, resource_id, outcome) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [vendor, eventId, topic, resourceId, outcome],
    )) as unknown[];
    return rows.length > 0;
  }
}
