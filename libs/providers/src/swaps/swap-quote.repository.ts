import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import type { MovementStatus } from '../domain/movement';
import type { ProviderName } from '../domain/stablecoin-provider.port';
import type { SwapQuote } from '../domain/swap';

interface QuoteRow {
  id: string;
  user_id: string;
  provider: ProviderName;
  provider_quote_id: string;
  from_currency: string;
  to_currency: string;
  amount_in: string;
  rate: string;
  fee: string;
  amount_out_provider: string;
  amount_out_user: string;
  expires_at: Date;
  request_key: string | null;
  movement_id: string | null;
  used_at: Date | null;
  created_at: Date;
}

/** The swap movement a quote is attached to, as it stands. */
export interface QuoteExecution {
  status: MovementStatus;
  failureCode: string | null;
}

const COLUMNS = `q.id, q.user_id, q.provider, q.provider_quote_id, q.from_currency, q.to_currency,
  q.amount_in::text AS amount_in, q.rate, q.fee::text AS fee, q.amount_out_provider::text AS amount_out_provider,
  q.amount_out_user::text AS amount_out_user, q.expires_at, q.request_key, q.movement_id, q.used_at, q.created_at`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toQuote(row: QuoteRow): SwapQuote {
  return {
    quoteId: row.id,
    userId: row.user_id,
    provider: row.provider,
    providerQuoteId: row.provider_quote_id,
    from: row.from_currency as CurrencyCode,
    to: row.to_currency as CurrencyCode,
    amountIn: BigInt(row.amount_in),
    rate: row.rate,
    fee: BigInt(row.fee),
    amountOutProvider: BigInt(row.amount_out_provider),
    amountOut: BigInt(row.amount_out_user),
    expiresAt: row.expires_at,
    requestKey: row.request_key,
    movementId: row.movement_id,
    usedAt: row.used_at,
    createdAt: row.created_at,
  };
}

function executionOf(row: {
  movement_status: MovementStatus | null;
  movement_failure_code: string | null;
}): QuoteExecution | null {
  return row.movement_status === null
    ? null
    : { status: row.movement_status, failureCode: row.movement_failure_code };
}

/** swap_quotes: every SQL statement about our swap quotes. */
@Injectable()
export class SwapQuoteRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(quote: SwapQuote): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO swap_quotes (id, user_id, provider, provider_quote_id, from_currency, to_currency, amount_in,
         rate, fee, amount_out_provider, amount_out_user, expires_at, request_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        quote.quoteId,
        quote.userId,
        quote.provider,
        quote.providerQuoteId,
        quote.from,
        quote.to,
        quote.amountIn.toString(),
        quote.rate,
        quote.fee.toString(),
        quote.amountOutProvider.toString(),
        quote.amountOut.toString(),
        quote.expiresAt,
        quote.requestKey,
        quote.createdAt,
      ],
    );
  }

  /** The owner's quote (anyone else's, or a malformed id: null). */
  async findOwned(userId: string, quoteId: string): Promise<SwapQuote | null> {
    if (!UUID.test(quoteId)) return null;
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM swap_quotes q WHERE q.id = $1 AND q.user_id = $2`,
      [quoteId.toLowerCase(), userId],
    )) as QuoteRow[];
    return rows[0] ? toQuote(rows[0]) : null;
  }

  /** The latest quote made for this Idempotency-Key of the user, and the swap executing it, if any. */
  async findForRequestKey(
    userId: string,
    requestKey: string,
  ): Promise<{ quote: SwapQuote; execution: QuoteExecution | null } | null> {
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS}, m.status AS movement_status, m.failure_code AS movement_failure_code
         FROM swap_quotes q LEFT JOIN provider_movements m ON m.id = q.movement_id
        WHERE q.user_id = $1 AND q.request_key = $2
        ORDER BY q.created_at DESC LIMIT 1`,
      [userId, requestKey],
    )) as Array<QuoteRow & { movement_status: MovementStatus | null; movement_failure_code: string | null }>;
    const row = rows[0];
    return row ? { quote: toQuote(row), execution: executionOf(row) } : null;
  }

  /**
   * Locks the owner's quote for the caller's transaction (a concurrent claim waits, then sees this one's
   * outcome) and reads the swap it is attached to, as committed now.
   */
  async lockOwned(
    tx: EntityManager,
    userId: string,
    quoteId: string,
  ): Promise<{ quote: SwapQuote; execution: QuoteExecution | null } | null> {
    if (!UUID.test(quoteId)) return null;
    const locked = (await tx.query(
      `SELECT ${COLUMNS} FROM swap_quotes q WHERE q.id = $1 AND q.user_id = $2 FOR UPDATE`,
      [quoteId.toLowerCase(), userId],
    )) as QuoteRow[];
    const row = locked[0];
    if (!row) return null;
    const quote = toQuote(row);
    if (!quote.movementId) return { quote, execution: null };
    // A statement of its own, after the lock: it sees the movement of a claim that committed while we waited.
    const movements = (await tx.query(
      `SELECT status AS movement_status, failure_code AS movement_failure_code FROM provider_movements WHERE id = $1`,
      [quote.movementId],
    )) as Array<{ movement_status: MovementStatus; movement_failure_code: string | null }>;
    return { quote, execution: movements[0] ? executionOf(movements[0]) : null };
  }

  /** Attaches the quote to the swap that executes it (the quote row is locked by the caller). */
  async markUsed(tx: EntityManager, quoteId: string, movementId: string, at: Date): Promise<void> {
    await tx.query(`UPDATE swap_quotes SET movement_id = $2, used_at = $3 WHERE id = $1`, [
      quoteId,
      movementId,
      at,
    ]);
  }
}
