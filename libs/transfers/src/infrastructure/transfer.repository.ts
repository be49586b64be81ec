import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { insertRowsWrite, runWrites, type SqlWrite } from '#monay/shared';
import type { StatusChange, TransferStatus } from '../domain/transfer';

export interface TransferRecord {
  id: string;
  batchId: string | null;
  senderUserId: string;
  recipientUserId: string;
  recipientRef: string;
  currency: string;
  amount: bigint;
  fee: bigint;
  note: string | null;
  status: TransferStatus;
  failureCode: string | null;
  failureMessage: string | null;
  ledgerTransactionId: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

interface TransferRow {
  id: string;
  batch_id: string | null;
  sender_user_id: string;
  recipient_user_id: string;
  recipient_ref: string;
  currency: string;
  amount: string;
  fee: string;
  note: string | null;
  status: TransferStatus;
  failure_code: string | null;
  failure_message: string | null;
  ledger_transaction_id: string | null;
  created_at: Date;
  completed_at: Date | null;
}

const COLUMNS = `id, batch_id, sender_user_id, recipient_user_id, recipient_ref, currency, amount::text AS amount,
  fee::text AS fee, note, status, failure_code, failure_message, ledger_transaction_id, created_at, completed_at`;

function toRecord(row: TransferRow): TransferRecord {
  return {
    id: row.id,
    batchId: row.batch_id,
    senderUserId: row.sender_user_id,
    recipientUserId: row.recipient_user_id,
    recipientRef: row.recipient_ref,
    currency: row.currency,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
    note: row.note,
    status: row.status,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    ledgerTransactionId: row.ledger_transaction_id,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

interface InsertPart {
  table: string;
  /** Name and type of each column written. */
  columns: ReadonlyArray<readonly [string, string]>;
  rows: unknown[][];
}

/** The rows {@link TransferRepository.insert} writes: the batch, its transfers, their status history. */
function insertParts(
  transfers: TransferRecord[],
  history: Map<string, readonly StatusChange[]>,
  batch?: BatchRecord,
): InsertPart[] {
  const historyRows: unknown[][] = [];
  for (const [transferId, changes] of history) {
    for (const change of changes)
      historyRows.push([transferId, change.status, change.reason ?? null, change.at]);
  }
  return [
    {
      table: 'transfer_batches',
      columns: [
        ['id', 'uuid'],
        ['sender_user_id', 'uuid'],
        ['status', 'text'],
        ['recipient_count', 'integer'],
        ['fee_currency', 'text'],
        ['fee', 'bigint'],
        ['failure_code', 'text'],
        ['ledger_transaction_id', 'uuid'],
        ['created_at', 'timestamptz'],
        ['completed_at', 'timestamptz'],
      ],
      rows: batch
        ? [
            [
              batch.id,
              batch.senderUserId,
              batch.status,
              batch.recipientCount,
              batch.feeCurrency,
              batch.fee.toString(),
              batch.failureCode,
              batch.ledgerTransactionId,
              batch.createdAt,
              batch.completedAt,
            ],
          ]
        : [],
    },
    {
      table: 'transfers',
      columns: TRANSFER_COLUMNS,
      rows: transfers.map((t) => [
        t.id,
        t.batchId,
        t.senderUserId,
        t.recipientUserId,
        t.recipientRef,
        t.currency,
        t.amount.toString(),
        t.fee.toString(),
        t.note,
        t.status,
        t.failureCode,
        t.failureMessage,
        t.ledgerTransactionId,
        t.createdAt,
        t.completedAt,
      ]),
    },
    {
      table: 'transfer_status_history',
      columns: [
        ['transfer_id', 'uuid'],
        ['status', 'text'],
        ['reason', 'text'],
        ['at', 'timestamptz'],
      ],
      rows: historyRows,
    },
  ];
}

const TRANSFER_COLUMNS = [
  ['id', 'uuid'],
  ['batch_id', 'uuid'],
  ['sender_user_id', 'uuid'],
  ['recipient_user_id', 'uuid'],
  ['recipient_ref', 'text'],
  ['currency', 'text'],
  ['amount', 'bigint'],
  ['fee', 'bigint'],
  ['note', 'text'],
  ['status', 'text'],
  ['failure_code', 'text'],
  ['failure_message', 'text'],
  ['ledger_transaction_id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['completed_at', 'timestamptz'],
] as const;

export interface BatchRecord {
  id: string;
  senderUserId: string;
  recipientCount: number;
  feeCurrency: string;
  fee: bigint;
  status: 'completed' | 'failed';
  failureCode: string | null;
  ledgerTransactionId: string | null;
  createdAt: Date;
  completedAt: Date;
}

@Injectable()
export class TransferRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Transfers as they are (a P2P transfer is written once, completed or failed, when its booking is known), with
   * their whole status history and their batch if any, and then `also` (other writes of the transaction: its outbox
   * rows, its idempotency answer), in ONE statement (each but the last a data-modifying CTE; foreign keys between them
   * are checked at the end of the statement, when every row exists), whatever the number of rows (insertRowsWrite).
   */
  async insert(
    tx: EntityManager,
    transfers: TransferRecord[],
    history: Map<string, readonly StatusChange[]>,
    batch?: BatchRecord,
    also: readonly SqlWrite[] = [],
  ): Promise<void> {
    await runWrites(tx, [...this.insertWrites(transfers, history, batch), ...also]);
  }

  /** {@link insert}'s writes, not run: for the caller to carry in a statement of its own (a P2P transfer's posting). */
  insertWrites(
    transfers: TransferRecord[],
    history: Map<string, readonly StatusChange[]>,
    batch?: BatchRecord,
  ): SqlWrite[] {
    return insertParts(transfers, history, batch)
      .filter((part) => part.rows.length > 0)
      .map((part) => insertRowsWrite(part.table, part.columns, part.rows));
  }

  /** A transfer the user sent or received, with its history; null for anyone else's. */
  /** Of `recipientIds`, those the sender has completed at least one transfer to (step-up: "a new recipient"). */
  async paidBefore(senderId: string, recipientIds: string[]): Promise<Set<string>> {
    if (recipientIds.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT recipient_user_id FROM transfers
        WHERE sender_user_id = $1 AND recipient_user_id = ANY($2::uuid[]) AND status = 'completed'`,
      [senderId, recipientIds],
    )) as Array<{ recipient_user_id: string }>;
    return new Set(rows.map((row) => row.recipient_user_id));
  }

  async findForParticipant(
    id: string,
    userId: string,
  ): Promise<{ transfer: TransferRecord; history: StatusChange[] } | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM transfers WHERE id = $1 AND (sender_user_id = $2 OR recipient_user_id = $2)`,
      [id, userId],
    )) as TransferRow[];
    if (rows.length === 0) return null;
    const history = (await this.dataSource.query(
      `SELECT status, reason, at FROM transfer_status_history WHERE transfer_id = $1 ORDER BY id`,
      [id],
    )) as Array<{ status: TransferStatus; reason: string | null; at: Date }>;
    return {
      transfer: toRecord(rows[0]),
      history: history.map((h) => ({ status: h.status, reason: h.reason ?? undefined, at: h.at })),
    };
  }
}
