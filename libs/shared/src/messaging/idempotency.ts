import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Guard, SqlWrite } from '../database/sql-write';
import { DomainError } from '../kernel/domain-error';

/** A money-moving request came without an `Idempotency-Key` header (or `idempotencyKey` body field). */
export class IdempotencyKeyRequiredError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REQUIRED';
  readonly kind = 'invalid';
  constructor() {
    super('This request moves money: send an Idempotency-Key header (1 to 255 visible characters)');
  }
}

/** The Idempotency-Key was used before with a different request body. */
export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly kind = 'unprocessable';
  constructor() {
    super('This Idempotency-Key was already used with a different request');
  }
}

/** A request with the same Idempotency-Key is still in flight: retry after it finishes. */
export class IdempotencyConflictError extends DomainError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  readonly kind = 'conflict';
  constructor() {
    super('A request with this Idempotency-Key is still in progress; retry shortly');
  }
}

/** What a money-moving request answered: replayed as-is for the same key and body. */
export interface StoredResponse {
  status: number;
  body: Record<string, unknown>;
}

export interface IdempotentRequest {
  userId: string;
  key: string;
  /** The operation, e.g. `p2p-transfer.send`; part of the hash so one key cannot serve two routes. */
  scope: string;
  /** The validated request body. */
  body: unknown;
}

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

export function assertIdempotencyKey(key: string | undefined): string {
  // typeof: a body's `"idempotencyKey": null` would otherwise pass the test (as the text "null").
  if (typeof key !== 'string' || !KEY_FORMAT.test(key)) throw new IdempotencyKeyRequiredError();
  return key;
}

/** Canonical JSON (sorted keys) so the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(typeof value === 'bigint' ? value.toString() : value) ?? 'null';
}

export function requestHash(scope: string, body: unknown): string {
  return createHash('sha256').update(scope).update('\n').update(canonical(body)).digest('hex');
}

/**
 * Idempotency keys in PostgreSQL, in the same transaction as the money they guard (DESIGN.md,
 * Idempotency). `claim` inserts the key; a concurrent request with the same key blocks on the unique
 * index until the first commits (then replays its answer) or rolls back (then goes ahead itself).
 */
@Injectable()
export class IdempotencyStore {
  async claim(
    tx: EntityManager,
    request: IdempotentRequest,
  ): Promise<{ outcome: 'claimed' } | { outcome: 'replay'; response: StoredResponse }> {
    const hash = requestHash(request.scope, request.body);
    const inserted = (await tx.query(
      `INSERT INTO idempotency_keys (user_id, key, scope, request_hash, status)
       VALUES ($1, $2, $3, $4, 'in_flight') ON CONFLICT DO NOTHING RETURNING 1`,
      [request.userId, request.key, request.scope, hash],
    )) as unknown[];
    if (inserted.length > 0) return { outcome: 'claimed' };
    const [row] = (await tx.query(
      `SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [request.userId, request.key],
    )) as Array<{
      request_hash: string;
      status: 'in_flight' | 'completed';
      response_status: number | null;
      response_body: Record<string, unknown> | null;
    }>;
    if (row.request_hash !== hash) throw new IdempotencyKeyReusedError();
    if (row.status !== 'completed' || row.response_status === null || row.response_body === null) {
      throw new IdempotencyConflictError();
    }
    return { outcome: 'replay', response: { status: row.response_status, body: row.response_body } };
  }

  /**
   * Whether this key already holds a completed answer for this very request (same user, scope and body): a retry
   * that the executor will replay. Read outside any transaction, before the work is attempted; a key in flight,
   * unknown, or used with another body answers false (the executor then decides).
   */
  async answered(manager: EntityManager, request: IdempotentRequest): Promise<boolean> {
    const rows = (await manager.query(
      `SELECT 1 FROM idempotency_keys
        WHERE user_id = $1 AND key = $2 AND request_hash = $3 AND status = 'completed'`,
      [request.userId, request.key, requestHash(request.scope, request.body)],
    )) as unknown[];
    return rows.length > 0;
  }

  /**
   * Forgets a key still in flight, in the caller's transaction: the work it guarded did nothing (a provider
   * movement no provider would take), so a retry with the same key runs afresh. A completed key is kept.
   */
  async release(tx: EntityManager, request: Pick<IdempotentRequest, 'userId' | 'key'>): Promise<void> {
    await tx.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status = 'in_flight'`, [
      request.userId,
      request.key,
    ]);
  }

  async complete(tx: EntityManager, request: IdempotentRequest, response: StoredResponse): Promise<void> {
    const write = this.completion(request, response);
    await tx.query(write.sql, [...write.params]);
  }

  /**
   * The claim and the answer at once, for a work that is ONE all-or-nothing statement (LedgerService.postAtOnce):
   * the key inserted completed, with `response`, or no row when it exists (then the statement writes nothing and
   * the executor takes the transaction, which replays it). A concurrent insert of the same key is waited for.
   */
  claimAnswered(request: IdempotentRequest, response: StoredResponse): Guard {
    return {
      write: {
        sql: `INSERT INTO idempotency_keys
                (user_id, key, scope, request_hash, status, response_status, response_body, completed_at)
              VALUES ($1, $2, $3, $4, 'completed', $5, $6::jsonb, now()) ON CONFLICT DO NOTHING RETURNING 1`,
        params: [
          request.userId,
          request.key,
          request.scope,
          requestHash(request.scope, request.body),
          response.status,
          JSON.stringify(response.body),
        ],
      },
      rowsToProceed: 1,
    };
  }

  /** The UPDATE that {@link complete} runs, not run: for a caller that runs it as part of its last statement. */
  completion(request: Pick<IdempotentRequest, 'userId' | 'key'>, response: StoredResponse): SqlWrite {
    return {
      sql: `UPDATE idempotency_keys SET status = 'completed', response_status = $3, response_body = $4::jsonb, completed_at = now()
        WHERE user_id = $1 AND key = $2`,
      params: [request.userId, request.key, response.status, JSON.stringify(response.body)],
    };
  }
}
