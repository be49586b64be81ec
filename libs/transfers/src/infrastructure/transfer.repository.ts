import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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

/** Multi-row INSERT in chunks (PostgreSQL takes at most 65,535 parameters a statement). */
async function insertMany(
  tx: EntityManager,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<void> {
  const perStatement = Math.floor(60_000 / columns.length);
  for (let offset = 0; offset < rows.length; offset += perStatement) {
    const chunk = rows.slice(offset, offset + perStatement);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}

@Injectable()
export class TransferRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insertBatch(
    tx: EntityManager,
    batch: { id: string; senderUserId: string; recipientCount: number; feeCurrency: string; fee: bigint },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO transfer_batches (id, sender_user_id, status, recipient_count, fee_currency, fee)
       VALUES ($1, $2, 'processing', $3, $4, $5)`,
      [batch.id, batch.senderUserId, batch.recipientCount, batch.feeCurrency, batch.fee.toString()],
    );
  }

  async finishBatch(
    tx: EntityManager,
    batchId: string,
    outcome: { status: 'completed'; ledgerTransactionId: string } | { status: 'failed'; failureCode: string },
  ): Promise<void> {
    await tx.query(
      `UPDATE transfer_batches SET status = $2, ledger_transaction_id = $3, failure_code = $4, completed_at = now() WHERE id = $1`,
      [
        batchId,
        outcome.status,
        outcome.status === 'completed' ? outcome.ledgerTransactionId : null,
        outcome.status === 'failed' ? outcome.failureCode : null,
      ],
    );
  }

  /** New transfers with the history they have so far (usually: pending → processing). */
  async insert(
    tx: EntityManager,
    transfers: TransferRecord[],
    history: Map<string, readonly StatusChange[]>,
  ): Promise<void> {
    await insertMany(
      tx,
      'transfers',
      [
        'id',
        'batch_id',
        'sender_user_id',
        'recipient_user_id',
        'recipient_ref',
        'currency',
        'amount',
        'fee',
        'note',
        'status',
        'created_at',
      ],
      transfers.map((t) => [
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
        t.createdAt,
      ]),
    );
    await this.appendHistory(tx, history);
  }

  /** Moves transfers to a terminal state and appends that step to their history. */
  async finish(
    tx: EntityManager,
    ids: string[],
    outcome:
      | { status: 'completed'; ledgerTransactionId: string; at: Date }
      | { status: 'failed'; failureCode: string; failureMessage: string; at: Date },
  ): Promise<void> {
    if (outcome.status === 'completed') {
      await tx.query(
        `UPDATE transfers SET status = 'completed', ledger_transaction_id = $2, completed_at = $3 WHERE id = ANY($1::uuid[])`,
        [ids, outcome.ledgerTransactionId, outcome.at],
      );
    } else {
      await tx.query(
        `UPDATE transfers SET status = 'failed', failure_code = $2, failure_message = $3, completed_at = $4 WHERE id = ANY($1::uuid[])`,
        [ids, outcome.failureCode, outcome.failureMessage, outcome.at],
      );
    }
    const reason = outcome.status === 'failed' ? outcome.failureCode : undefined;
    await this.appendHistory(
      tx,
      new Map(ids.map((id) => [id, [{ status: outcome.status, reason, at: outcome.at }]])),
    );
  }

  /** A transfer the user sent or received, with its history; null for anyone else's. */
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

  private async appendHistory(
    tx: EntityManager,
    history: Map<string, readonly StatusChange[]>,
  ): Promise<void> {
    const rows: unknown[][] = [];
    for (const [transferId, changes] of history) {
      for (const change of changes) rows.push([transferId, change.status, change.reason ?? null, change.at]);
    }
    if (rows.length > 0)
      await insertMany(tx, 'transfer_status_history', ['transfer_id', 'status', 'reason', 'at'], rows);
  }
}
