import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import type { ProviderLeg, RoutedOperation } from '../domain/stablecoin-provider.port';

/** A transaction we signed, as stored before it was broadcast (tempo_chain_transactions). */
export interface ChainTransactionRow {
  idempotencyKey: string;
  operation: RoutedOperation;
  sender: string;
  nonce: bigint;
  txHash: `0x${string}`;
  rawTx: `0x${string}`;
  currency: CurrencyCode;
  amount: bigint;
  legs: ProviderLeg[];
  memo: `0x${string}`;
  status: 'pending' | 'completed' | 'failed';
  blockNumber: bigint | null;
  broadcasts: number;
  createdAt: Date;
  settledAt: Date | null;
}

/** A Transfer log credited to a user (tempo_chain_deposits). */
export interface ChainDepositRow {
  txHash: string;
  logIndex: number;
  movementId: string;
  userId: string;
  address: string;
  currency: CurrencyCode;
  amount: bigint;
  blockNumber: bigint;
  blockHash: string;
  orphanedAt: Date | null;
  createdAt: Date;
}

interface TransactionRecord {
  idempotency_key: string;
  operation: RoutedOperation;
  sender: string;
  nonce: string;
  tx_hash: `0x${string}`;
  raw_tx: `0x${string}`;
  currency: CurrencyCode;
  amount: string;
  legs: Array<{ to: string; amount: string; currency: CurrencyCode; memo?: string }>;
  memo: `0x${string}`;
  status: ChainTransactionRow['status'];
  block_number: string | null;
  broadcasts: number;
  created_at: Date;
  settled_at: Date | null;
}

interface DepositRecord {
  tx_hash: string;
  log_index: number;
  movement_id: string;
  user_id: string;
  address: string;
  currency: CurrencyCode;
  amount: string;
  block_number: string;
  block_hash: string;
  orphaned_at: Date | null;
  created_at: Date;
}

/** TypeORM answers an UPDATE … RETURNING as [rows, count] on PostgreSQL. */
function rowsOf<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

function transactionOf(row: TransactionRecord): ChainTransactionRow {
  return {
    idempotencyKey: row.idempotency_key,
    operation: row.operation,
    sender: row.sender,
    nonce: BigInt(row.nonce),
    txHash: row.tx_hash,
    rawTx: row.raw_tx,
    currency: row.currency,
    amount: BigInt(row.amount),
    legs: row.legs.map((leg) => ({ ...leg, amount: BigInt(leg.amount) })),
    memo: row.memo,
    status: row.status,
    blockNumber: row.block_number === null ? null : BigInt(row.block_number),
    broadcasts: row.broadcasts,
    createdAt: new Date(row.created_at),
    settledAt: row.settled_at === null ? null : new Date(row.settled_at),
  };
}

function depositOf(row: DepositRecord): ChainDepositRow {
  return {
    txHash: row.tx_hash,
    logIndex: row.log_index,
    movementId: row.movement_id,
    userId: row.user_id,
    address: row.address,
    currency: row.currency,
    amount: BigInt(row.amount),
    blockNumber: BigInt(row.block_number),
    blockHash: row.block_hash,
    orphanedAt: row.orphaned_at === null ? null : new Date(row.orphaned_at),
    createdAt: new Date(row.created_at),
  };
}

/** Everything the on-chain Tempo adapter keeps (migration 1765900000000-tempo-chain). */
@Injectable()
export class TempoChainRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private async run<T>(sql: string, parameters: unknown[] = [], tx?: EntityManager): Promise<T[]> {
    return rowsOf<T>(await (tx ?? this.dataSource).query(sql, parameters));
  }

  // Transactions ----------------------------------------------------------------------------------------

  async findTransaction(idempotencyKey: string): Promise<ChainTransactionRow | null> {
    const [row] = await this.run<TransactionRecord>(
      `SELECT * FROM tempo_chain_transactions WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    return row ? transactionOf(row) : null;
  }

  async countTransactions(idempotencyKey: string): Promise<number> {
    const [row] = await this.run<{ n: string }>(
      `SELECT count(*)::text AS n FROM tempo_chain_transactions WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
    return Number(row?.n ?? 0);
  }

  /** The next nonce after every one we signed for `sender` (0 when none). */
  async nextStoredNonce(sender: string): Promise<bigint> {
    const [row] = await this.run<{ next: string | null }>(
      `SELECT (max(nonce) + 1)::text AS next FROM tempo_chain_transactions WHERE sender = $1`,
      [sender],
    );
    return row?.next ? BigInt(row.next) : 0n;
  }

  /**
   * Stores a signed transaction before it is broadcast. 'key_taken': another request stored one for this key
   * first (that one stands); 'nonce_taken': another process signed with this nonce (sign again with the next).
   */
  async insertTransaction(row: ChainTransactionRow): Promise<'inserted' | 'key_taken' | 'nonce_taken'> {
    const inserted = await this.run<{ idempotency_key: string }>(
      `INSERT INTO tempo_chain_transactions
         (idempotency_key, operation, sender, nonce, tx_hash, raw_tx, currency, amount, legs, memo, status,
          created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, 'pending', $11)
       ON CONFLICT DO NOTHING RETURNING idempotency_key`,
      [
        row.idempotencyKey,
        row.operation,
        row.sender,
        row.nonce.toString(),
        row.txHash,
        row.rawTx,
        row.currency,
        row.amount.toString(),
        JSON.stringify(row.legs.map((leg) => ({ ...leg, amount: leg.amount.toString() }))),
        row.memo,
        row.createdAt,
      ],
    );
    if (inserted.length > 0) return 'inserted';
    return (await this.findTransaction(row.idempotencyKey)) ? 'key_taken' : 'nonce_taken';
  }

  async countBroadcast(idempotencyKey: string): Promise<void> {
    await this.run(
      `UPDATE tempo_chain_transactions SET broadcasts = broadcasts + 1 WHERE idempotency_key = $1`,
      [idempotencyKey],
    );
  }

  async settleTransaction(
    idempotencyKey: string,
    status: 'completed' | 'failed',
    blockNumber: bigint,
    at: Date,
  ): Promise<void> {
    await this.run(
      `UPDATE tempo_chain_transactions SET status = $2, block_number = $3, settled_at = $4
        WHERE idempotency_key = $1 AND status = 'pending'`,
      [idempotencyKey, status, blockNumber.toString(), at],
    );
  }

  async pendingTransactions(limit: number): Promise<ChainTransactionRow[]> {
    const rows = await this.run<TransactionRecord>(
      `SELECT * FROM tempo_chain_transactions WHERE status = 'pending' ORDER BY nonce LIMIT $1`,
      [limit],
    );
    return rows.map(transactionOf);
  }

  // Deposit addresses -----------------------------------------------------------------------------------

  /** The user's HD index, allocated on first use (one per user, never reused). */
  async depositIndex(userId: string, address: (index: number) => string, now: Date): Promise<number> {
    const [existing] = await this.run<{ address_index: number }>(
      `SELECT address_index FROM tempo_deposit_addresses WHERE user_id = $1`,
      [userId],
    );
    if (existing) return existing.address_index;
    return this.dataSource.transaction(async (tx) => {
      const [{ index }] = await this.run<{ index: number }>(
        `SELECT nextval(pg_get_serial_sequence('tempo_deposit_addresses', 'address_index'))::int AS index`,
        [],
        tx,
      );
      const inserted = await this.run<{ address_index: number }>(
        `INSERT INTO tempo_deposit_addresses (user_id, address_index, address, created_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO NOTHING RETURNING address_index`,
        [userId, index, address(index).toLowerCase(), now],
        tx,
      );
      if (inserted[0]) return inserted[0].address_index;
      const [raced] = await this.run<{ address_index: number }>(
        `SELECT address_index FROM tempo_deposit_addresses WHERE user_id = $1`,
        [userId],
        tx,
      );
      return raced!.address_index;
    });
  }

  /** The users owning these addresses (lower-case), by address. */
  async ownersOf(addresses: string[]): Promise<Map<string, string>> {
    if (addresses.length === 0) return new Map();
    const rows = await this.run<{ address: string; user_id: string }>(
      `SELECT address, user_id FROM tempo_deposit_addresses WHERE address = ANY($1::text[])`,
      [addresses.map((address) => address.toLowerCase())],
    );
    return new Map(rows.map((row) => [row.address, row.user_id]));
  }

  async allDepositAddresses(): Promise<string[]> {
    const rows = await this.run<{ address: string }>(
      `SELECT address FROM tempo_deposit_addresses ORDER BY address_index`,
    );
    return rows.map((row) => row.address);
  }

  // Deposits --------------------------------------------------------------------------------------------

  /** Records a Transfer log once per (tx hash, log index), in the caller's transaction: false if it already is. */
  async insertDeposit(tx: EntityManager, row: Omit<ChainDepositRow, 'orphanedAt'>): Promise<boolean> {
    const inserted = await this.run<{ movement_id: string }>(
      `INSERT INTO tempo_chain_deposits
         (tx_hash, log_index, movement_id, user_id, address, currency, amount, block_number, block_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (tx_hash, log_index) DO NOTHING RETURNING movement_id`,
      [
        row.txHash,
        row.logIndex,
        row.movementId,
        row.userId,
        row.address,
        row.currency,
        row.amount.toString(),
        row.blockNumber.toString(),
        row.blockHash,
        row.createdAt,
      ],
      tx,
    );
    return inserted.length > 0;
  }

  async findDeposit(txHash: string, logIndex: number): Promise<ChainDepositRow | null> {
    const [row] = await this.run<DepositRecord>(
      `SELECT * FROM tempo_chain_deposits WHERE tx_hash = $1 AND log_index = $2`,
      [txHash, logIndex],
    );
    return row ? depositOf(row) : null;
  }

  async depositByMovement(movementId: string): Promise<ChainDepositRow | null> {
    const [row] = await this.run<DepositRecord>(`SELECT * FROM tempo_chain_deposits WHERE movement_id = $1`, [
      movementId,
    ]);
    return row ? depositOf(row) : null;
  }

  async depositsOfUser(userId: string): Promise<ChainDepositRow[]> {
    const rows = await this.run<DepositRecord>(
      `SELECT * FROM tempo_chain_deposits WHERE user_id = $1 ORDER BY block_number, log_index`,
      [userId],
    );
    return rows.map(depositOf);
  }

  /** Deposits recorded in blocks from `fromBlock` on (what a re-read of the re-org window must find again). */
  async depositsFrom(fromBlock: bigint): Promise<ChainDepositRow[]> {
    const rows = await this.run<DepositRecord>(
      `SELECT * FROM tempo_chain_deposits WHERE block_number >= $1 AND orphaned_at IS NULL`,
      [fromBlock.toString()],
    );
    return rows.map(depositOf);
  }

  async moveDeposit(txHash: string, logIndex: number, blockNumber: bigint, blockHash: string): Promise<void> {
    await this.run(
      `UPDATE tempo_chain_deposits SET block_number = $3, block_hash = $4, orphaned_at = NULL
        WHERE tx_hash = $1 AND log_index = $2`,
      [txHash, logIndex, blockNumber.toString(), blockHash],
    );
  }

  async orphanDeposit(txHash: string, logIndex: number, at: Date): Promise<void> {
    await this.run(
      `UPDATE tempo_chain_deposits SET orphaned_at = $3 WHERE tx_hash = $1 AND log_index = $2 AND orphaned_at IS NULL`,
      [txHash, logIndex, at],
    );
  }

  // Cursor ----------------------------------------------------------------------------------------------

  async cursor(name: string): Promise<bigint | null> {
    const [row] = await this.run<{ block: string }>(
      `SELECT block::text FROM tempo_chain_cursors WHERE name = $1`,
      [name],
    );
    return row ? BigInt(row.block) : null;
  }

  async saveCursor(name: string, block: bigint, at: Date): Promise<void> {
    await this.run(
      `INSERT INTO tempo_chain_cursors (name, block, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET block = GREATEST(tempo_chain_cursors.block, EXCLUDED.block),
                                        updated_at = EXCLUDED.updated_at`,
      [name, block.toString(), at],
    );
  }

  // Opening float ---------------------------------------------------------------------------------------

  async floatBooked(currency: CurrencyCode): Promise<boolean> {
    const rows = await this.run(`SELECT 1 FROM tempo_chain_floats WHERE currency = $1`, [currency]);
    return rows.length > 0;
  }

  async insertFloat(
    tx: EntityManager,
    row: {
      currency: CurrencyCode;
      amount: bigint;
      block: bigint;
      ledgerTransactionId: string | null;
      at: Date;
    },
  ): Promise<boolean> {
    const inserted = await this.run(
      `INSERT INTO tempo_chain_floats (currency, amount, block, ledger_transaction_id, created_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (currency) DO NOTHING RETURNING 1`,
      [row.currency, row.amount.toString(), row.block.toString(), row.ledgerTransactionId, row.at],
      tx,
    );
    return inserted.length > 0;
  }
}
