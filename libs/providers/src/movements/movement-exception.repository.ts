import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import type { MovementKind } from '../domain/movement';
import type { MovementException } from '../domain/movement-exception';
import type { ProviderName, ProviderTransaction } from '../domain/stablecoin-provider.port';

interface ExceptionRow {
  id: string;
  movement_id: string;
  user_id: string;
  kind: MovementKind;
  provider: ProviderName;
  currency: CurrencyCode;
  amount: string;
  reason_code: string;
  reason: string;
  details: Record<string, unknown>;
  suspense_transaction_id: string;
  provider_transaction: StoredTransaction;
  status: 'open' | 'resolved';
  resolution: Record<string, unknown> | null;
  created_at: Date;
  resolved_at: Date | null;
}

/** A ProviderTransaction as JSON: its bigints as decimal strings, its dates as ISO strings. */
type StoredTransaction = Record<string, unknown>;

const COLUMNS = `id, movement_id, user_id, kind, provider, currency, amount::text AS amount, reason_code, reason,
  details, suspense_transaction_id, provider_transaction, status, resolution, created_at, resolved_at`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function storeTransaction(transaction: ProviderTransaction): StoredTransaction {
  return JSON.parse(
    JSON.stringify(transaction, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    ),
  ) as StoredTransaction;
}

function readTransaction(stored: StoredTransaction): ProviderTransaction {
  const big = (value: unknown) => BigInt(value as string);
  const swapOut = stored.swapOut as { currency: CurrencyCode; amount: string } | undefined;
  const legs = stored.legs as Array<{ to: string; amount: string; currency: CurrencyCode; memo?: string }>;
  return {
    ...(stored as unknown as ProviderTransaction),
    amount: big(stored.amount),
    fee: big(stored.fee),
    ...(swapOut && { swapOut: { currency: swapOut.currency, amount: big(swapOut.amount) } }),
    ...(legs && { legs: legs.map((leg) => ({ ...leg, amount: big(leg.amount) })) }),
    createdAt: new Date(stored.createdAt as string),
    ...(typeof stored.settledAt === 'string' && { settledAt: new Date(stored.settledAt) }),
  };
}

function toException(row: ExceptionRow): MovementException {
  return {
    id: row.id,
    movementId: row.movement_id,
    userId: row.user_id,
    kind: row.kind,
    provider: row.provider,
    currency: row.currency,
    amount: BigInt(row.amount),
    reasonCode: row.reason_code,
    reason: row.reason,
    details: row.details ?? {},
    suspenseTransactionId: row.suspense_transaction_id,
    providerTransaction: readTransaction(row.provider_transaction),
    status: row.status,
    resolution: row.resolution,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

/** provider_movement_exceptions: completed movements booked to suspense, for operators. */
@Injectable()
export class MovementExceptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, exception: MovementException): Promise<void> {
    await tx.query(
      `INSERT INTO provider_movement_exceptions
         (id, movement_id, user_id, kind, provider, currency, amount, reason_code, reason, details,
          suspense_transaction_id, provider_transaction, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12::jsonb, 'open', $13)`,
      [
        exception.id,
        exception.movementId,
        exception.userId,
        exception.kind,
        exception.provider,
        exception.currency,
        exception.amount.toString(),
        exception.reasonCode,
        exception.reason,
        JSON.stringify(exception.details),
        exception.suspenseTransactionId,
        JSON.stringify(storeTransaction(exception.providerTransaction)),
        exception.createdAt,
      ],
    );
  }

  async find(
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<MovementException | null> {
    if (!UUID.test(id)) return null;
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM provider_movement_exceptions WHERE id = $1`, [
      id,
    ])) as ExceptionRow[];
    return rows[0] ? toException(rows[0]) : null;
  }

  /** The exception, row-locked until the caller's transaction ends (a retry at a time). */
  async lock(tx: EntityManager, id: string): Promise<MovementException | null> {
    if (!UUID.test(id)) return null;
    const rows = (await tx.query(
      `SELECT ${COLUMNS} FROM provider_movement_exceptions WHERE id = $1 FOR UPDATE`,
      [id],
    )) as ExceptionRow[];
    return rows[0] ? toException(rows[0]) : null;
  }

  /** Newest first, `status` or all, after the cursor (created_at, id). */
  async list(options: {
    status: 'open' | 'resolved' | null;
    limit: number;
    after?: { createdAt: Date; id: string };
  }): Promise<MovementException[]> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM provider_movement_exceptions
        WHERE ($1::text IS NULL OR status = $1)
          AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
        ORDER BY created_at DESC, id DESC
        LIMIT $4`,
      [options.status, options.after?.createdAt ?? null, options.after?.id ?? null, options.limit],
    )) as ExceptionRow[];
    return rows.map(toException);
  }

  /** How many are open (the `monay_movement_exceptions_open` gauge). */
  async countOpen(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT count(*)::int AS open FROM provider_movement_exceptions WHERE status = 'open'`,
    )) as Array<{ open: number }>;
    return rows[0]?.open ?? 0;
  }

  async resolve(
    tx: EntityManager,
    id: string,
    resolution: Record<string, unknown>,
  ): Promise<MovementException | null> {
    const [rows] = (await tx.query(
      `UPDATE provider_movement_exceptions SET status = 'resolved', resolution = $2::jsonb, resolved_at = now()
        WHERE id = $1 AND status = 'open'
        RETURNING ${COLUMNS}`,
      [id, JSON.stringify(resolution)],
    )) as [ExceptionRow[], number];
    return rows[0] ? toException(rows[0]) : null;
  }
}
