import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import type { Movement, MovementKind, MovementStatus, SkippedProviderRecord } from '../domain/movement';
import type { ProviderName, Urgency } from '../domain/stablecoin-provider.port';

interface MovementRow {
  id: string;
  user_id: string;
  kind: MovementKind;
  status: MovementStatus;
  currency: string;
  amount: string;
  fee: string | null;
  fee_held: string | null;
  net_amount: string | null;
  provider: ProviderName | null;
  provider_transaction_id: string | null;
  provider_status: string | null;
  skipped: SkippedProviderRecord[];
  settlement_time_ms: number | null;
  method: string | null;
  destination: string | null;
  speed: Urgency | null;
  hold_id: string | null;
  ledger_transaction_id: string | null;
  idempotency_key: string | null;
  idempotency_scope: string | null;
  failure_code: string | null;
  failure_message: string | null;
  expected_arrival_earliest: Date | null;
  expected_arrival_latest: Date | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  metadata: Record<string, unknown>;
}

const COLUMNS = `id, user_id, kind, status, currency, amount::text AS amount, fee::text AS fee,
  fee_held::text AS fee_held, net_amount::text AS net_amount, provider, provider_transaction_id, provider_status,
  skipped, settlement_time_ms, method, destination, speed, hold_id, ledger_transaction_id, idempotency_key,
  idempotency_scope, failure_code, failure_message, expected_arrival_earliest, expected_arrival_latest,
  created_at, updated_at, completed_at, metadata`;

const UNSETTLED_SQL = `status IN ('pending', 'processing')`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const big = (value: string | null): bigint | null => (value === null ? null : BigInt(value));
const text = (value: bigint | null): string | null => (value === null ? null : value.toString());

function toMovement(row: MovementRow): Movement {
  return {
    id: row.id,
    userId: row.user_id,
    kind: row.kind,
    status: row.status,
    currency: row.currency as CurrencyCode,
    amount: BigInt(row.amount),
    fee: big(row.fee),
    feeHeld: big(row.fee_held),
    netAmount: big(row.net_amount),
    provider: row.provider,
    providerTransactionId: row.provider_transaction_id,
    providerStatus: row.provider_status,
    skipped: row.skipped ?? [],
    settlementTimeMs: row.settlement_time_ms,
    method: row.method,
    destination: row.destination,
    speed: row.speed,
    holdId: row.hold_id,
    ledgerTransactionId: row.ledger_transaction_id,
    idempotencyKey: row.idempotency_key,
    idempotencyScope: row.idempotency_scope,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    expectedArrivalEarliest: row.expected_arrival_earliest,
    expectedArrivalLatest: row.expected_arrival_latest,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    completedAt: row.completed_at,
    metadata: row.metadata ?? {},
  };
}

/** What a settlement writes (the guarded UPDATE that makes a movement completed or failed, once). */
export interface SettlementChange {
  status: 'completed' | 'failed';
  provider: ProviderName | null;
  providerTransactionId: string | null;
  providerStatus: string | null;
  fee: bigint | null;
  netAmount: bigint | null;
  /** Replaces the recorded list when given (the request's own routing); kept otherwise. */
  skipped?: SkippedProviderRecord[];
  failureCode: string | null;
  failureMessage: string | null;
  completedAt: Date;
  settlementTimeMs: number;
  expectedArrival: { earliest: Date | null; latest: Date | null } | null;
  /** Merged into the movement's metadata. */
  metadata?: Record<string, unknown>;
}

/** provider_movements: every SQL statement about money movements through providers. */
@Injectable()
export class MovementRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(tx: EntityManager, movement: Movement, nextPollAt: Date): Promise<void> {
    await tx.query(
      `INSERT INTO provider_movements (id, user_id, kind, status, currency, amount, fee, fee_held, net_amount,
         provider, skipped, method, destination, speed, hold_id, idempotency_key, idempotency_scope,
         failure_code, failure_message, expected_arrival_earliest, expected_arrival_latest, next_poll_at,
         created_at, updated_at, completed_at, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14, $15, $16, $17, $18, $19, $20,
         $21, $22, $23, $23, $24, $25::jsonb)`,
      [
        movement.id,
        movement.userId,
        movement.kind,
        movement.status,
        movement.currency,
        movement.amount.toString(),
        text(movement.fee),
        text(movement.feeHeld),
        text(movement.netAmount),
        movement.provider,
        JSON.stringify(movement.skipped),
        movement.method,
        movement.destination,
        movement.speed,
        movement.holdId,
        movement.idempotencyKey,
        movement.idempotencyScope,
        movement.failureCode,
        movement.failureMessage,
        movement.expectedArrivalEarliest,
        movement.expectedArrivalLatest,
        nextPollAt,
        movement.createdAt,
        movement.completedAt,
        JSON.stringify(movement.metadata),
      ],
    );
  }

  /**
   * Reopens a movement its own request failed PROVIDER_UNAVAILABLE (nothing went out, nothing booked), for the
   * client's retry with the same key: pending again, with the retry's routing and nothing held yet (`fresh` is
   * the retry's draft: same id). Keeps `created_at`. Null when the movement is not (or no longer) reopenable.
   */
  async reopen(tx: EntityManager, fresh: Movement, nextPollAt: Date): Promise<Movement | null> {
    const rows = (await tx.query(
      `UPDATE provider_movements
          SET status = 'pending', currency = $2, amount = $3, fee = NULL, fee_held = NULL, net_amount = NULL,
              provider = NULL, provider_transaction_id = NULL, provider_status = NULL, skipped = '[]'::jsonb,
              settlement_time_ms = NULL, method = $4, destination = $5, speed = $6, hold_id = NULL,
              ledger_transaction_id = NULL, failure_code = NULL, failure_message = NULL,
              expected_arrival_earliest = NULL, expected_arrival_latest = NULL, next_poll_at = $7,
              poll_attempts = 0, completed_at = NULL, updated_at = now(), metadata = $8::jsonb
        WHERE id = $1 AND status = 'failed' AND failure_code = 'PROVIDER_UNAVAILABLE'
          AND ledger_transaction_id IS NULL
        RETURNING ${COLUMNS}`,
      [
        fresh.id,
        fresh.currency,
        fresh.amount.toString(),
        fresh.method,
        fresh.destination,
        fresh.speed,
        nextPollAt,
        JSON.stringify(fresh.metadata),
      ],
    )) as [MovementRow[], number];
    return first(rows);
  }

  async setHold(tx: EntityManager, id: string, holdId: string, feeHeld: bigint): Promise<void> {
    await tx.query(
      `UPDATE provider_movements SET hold_id = $2, fee_held = $3, updated_at = now() WHERE id = $1`,
      [id, holdId, feeHeld.toString()],
    );
  }

  async findById(id: string, manager: EntityManager = this.dataSource.manager): Promise<Movement | null> {
    if (!UUID.test(id)) return null;
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM provider_movements WHERE id = $1`, [
      id,
    ])) as MovementRow[];
    return rows[0] ? toMovement(rows[0]) : null;
  }

  /** The movement, row-locked until the caller's transaction ends: settlements of one movement queue here. */
  async lock(tx: EntityManager, id: string): Promise<Movement | null> {
    if (!UUID.test(id)) return null;
    const rows = (await tx.query(`SELECT ${COLUMNS} FROM provider_movements WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as MovementRow[];
    return rows[0] ? toMovement(rows[0]) : null;
  }

  /** Adds to a movement's metadata (e.g. what its booking noted). */
  async addMetadata(tx: EntityManager, id: string, metadata: Record<string, unknown>): Promise<void> {
    await tx.query(`UPDATE provider_movements SET metadata = metadata || $2::jsonb WHERE id = $1`, [
      id,
      JSON.stringify(metadata),
    ]);
  }

  /** The owner's movement of this kind; null for anyone else's, another kind, or a malformed id. */
  /**
   * Of `destinations` (bank accounts, cards, 0x addresses as stored), those the user has completed a withdrawal
   * or an external transfer to: a payout there is not to a new destination (step-up).
   */
  async completedPayoutDestinations(userId: string, destinations: string[]): Promise<Set<string>> {
    if (destinations.length === 0) return new Set();
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT destination FROM provider_movements
        WHERE user_id = $1 AND kind IN ('withdrawal', 'external_transfer') AND status = 'completed'
          AND destination = ANY($2::text[])`,
      [userId, destinations],
    )) as Array<{ destination: string }>;
    return new Set(rows.map((row) => row.destination));
  }

  async findOwned(userId: string, kind: MovementKind, id: string): Promise<Movement | null> {
    if (!UUID.test(id)) return null;
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM provider_movements WHERE id = $1 AND user_id = $2 AND kind = $3`,
      [id, userId, kind],
    )) as MovementRow[];
    return rows[0] ? toMovement(rows[0]) : null;
  }

  /**
   * pending → processing (a provider has it, or may have it, and has not settled it), guarded: null when the
   * movement was settled meanwhile (a webhook or the poller got there first).
   */
  async markProcessing(
    tx: EntityManager,
    id: string,
    change: {
      provider: ProviderName;
      providerTransactionId: string | null;
      providerStatus: string | null;
      skipped: SkippedProviderRecord[];
      nextPollAt: Date;
      /** Merged into the movement's metadata. */
      metadata?: Record<string, unknown>;
    },
  ): Promise<Movement | null> {
    const rows = (await tx.query(
      `UPDATE provider_movements
          SET status = 'processing', provider = $2,
              provider_transaction_id = COALESCE($3, provider_transaction_id),
              provider_status = COALESCE($4, provider_status), skipped = $5::jsonb, next_poll_at = $6,
              metadata = metadata || $7::jsonb, updated_at = now()
        WHERE id = $1 AND ${UNSETTLED_SQL}
        RETURNING ${COLUMNS}`,
      [
        id,
        change.provider,
        change.providerTransactionId,
        change.providerStatus,
        JSON.stringify(change.skipped),
        change.nextPollAt,
        JSON.stringify(change.metadata ?? {}),
      ],
    )) as [MovementRow[], number];
    return first(rows);
  }

  /**
   * Settles a movement: THE guarded transition to completed or failed. It takes the row lock, so the request,
   * a webhook and the poller settling at the same moment queue here, and all but the first find it settled
   * (null) and do nothing.
   */
  async settle(tx: EntityManager, id: string, change: SettlementChange): Promise<Movement | null> {
    const rows = (await tx.query(
      `UPDATE provider_movements
          SET status = $2, provider = COALESCE($3, provider),
              provider_transaction_id = COALESCE($4, provider_transaction_id),
              provider_status = COALESCE($5, provider_status), fee = $6, net_amount = $7,
              skipped = COALESCE($8::jsonb, skipped), failure_code = $9, failure_message = $10,
              completed_at = $11, settlement_time_ms = $12,
              expected_arrival_earliest = COALESCE($13, expected_arrival_earliest),
              expected_arrival_latest = COALESCE($14, expected_arrival_latest),
              metadata = metadata || $15::jsonb, updated_at = now()
        WHERE id = $1 AND ${UNSETTLED_SQL}
        RETURNING ${COLUMNS}`,
      [
        id,
        change.status,
        change.provider,
        change.providerTransactionId,
        change.providerStatus,
        text(change.fee),
        text(change.netAmount),
        change.skipped === undefined ? null : JSON.stringify(change.skipped),
        change.failureCode,
        change.failureMessage,
        change.completedAt,
        change.settlementTimeMs,
        change.expectedArrival?.earliest ?? null,
        change.expectedArrival?.latest ?? null,
        JSON.stringify(change.metadata ?? {}),
      ],
    )) as [MovementRow[], number];
    return first(rows);
  }

  /**
   * A completed movement whose booking was refused and parked in suspense: nothing reached (or left) the wallet
   * for it (`net_amount` NULL) until an operator resolves it; `review` is kept as `metadata.exception`.
   */
  async markUnderReview(
    tx: EntityManager,
    id: string,
    review: { exceptionId: string; code: string; message: string },
  ): Promise<Movement | null> {
    const [rows] = (await tx.query(
      `UPDATE provider_movements
          SET net_amount = NULL, updated_at = now(),
              metadata = metadata || jsonb_build_object('exception', $2::jsonb)
        WHERE id = $1 AND status = 'completed'
        RETURNING ${COLUMNS}`,
      [id, JSON.stringify({ ...review, status: 'open' })],
    )) as [MovementRow[], number];
    return rows[0] ? toMovement(rows[0]) : null;
  }

  /** Its review over: booked where it belongs by `ledgerTransactionId`, for `netAmount`. */
  async finishReview(
    tx: EntityManager,
    id: string,
    change: { ledgerTransactionId: string; netAmount: bigint; metadata: Record<string, unknown> },
  ): Promise<Movement | null> {
    const [rows] = (await tx.query(
      `UPDATE provider_movements
          SET net_amount = $2, ledger_transaction_id = $3, updated_at = now(),
              metadata = metadata || $4::jsonb
        WHERE id = $1 AND status = 'completed'
        RETURNING ${COLUMNS}`,
      [id, change.netAmount.toString(), change.ledgerTransactionId, JSON.stringify(change.metadata)],
    )) as [MovementRow[], number];
    return rows[0] ? toMovement(rows[0]) : null;
  }

  async setLedgerTransaction(tx: EntityManager, id: string, ledgerTransactionId: string): Promise<void> {
    await tx.query(`UPDATE provider_movements SET ledger_transaction_id = $2 WHERE id = $1`, [
      id,
      ledgerTransactionId,
    ]);
  }

  /**
   * Claims up to `limit` unsettled movements of these kinds that are due for a status check, pushing their
   * next check `leaseMs` ahead so that no other poller (another process, or the next tick) takes them
   * meanwhile. SKIP LOCKED: pollers never wait on each other, nor on a movement being settled right now.
   */
  async claimDue(kinds: readonly MovementKind[], limit: number, leaseMs: number): Promise<Movement[]> {
    const [rows] = (await this.dataSource.query(
      `UPDATE provider_movements
          SET next_poll_at = now() + ($3::bigint * interval '1 millisecond'), poll_attempts = poll_attempts + 1
        WHERE id IN (
          SELECT id FROM provider_movements
           WHERE ${UNSETTLED_SQL} AND next_poll_at <= now() AND kind = ANY($1::text[])
           ORDER BY next_poll_at
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}`,
      [kinds, limit, leaseMs],
    )) as [MovementRow[], number];
    return rows.map(toMovement);
  }

  /** After a status check that settled nothing: when to ask again, and what the provider said. */
  async reschedule(
    id: string,
    nextPollAt: Date,
    seen?: { provider: ProviderName; providerTransactionId: string; providerStatus: string },
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE provider_movements
          SET next_poll_at = $2, provider = COALESCE(provider, $3),
              provider_transaction_id = COALESCE($4, provider_transaction_id),
              provider_status = COALESCE($5, provider_status)
        WHERE id = $1 AND ${UNSETTLED_SQL}`,
      [
        id,
        nextPollAt,
        seen?.provider ?? null,
        seen?.providerTransactionId ?? null,
        seen?.providerStatus ?? null,
      ],
    );
  }
}

/** node-postgres through TypeORM answers `[rows, count]` for UPDATE … RETURNING. */
function first([rows]: [MovementRow[], number]): Movement | null {
  return rows[0] ? toMovement(rows[0]) : null;
}
