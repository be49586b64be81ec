import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  Card,
  CardLimits,
  CardState,
  CardStateReason,
  CardUsage,
  FundingCurrency,
} from '../domain/card';
import type { CardMerchant } from '../domain/events';

interface CardRow {
  id: string;
  user_id: string;
  issuer: string;
  issuer_card_id: string;
  nickname: string;
  state: CardState;
  state_reason: CardStateReason | null;
  last4: string;
  exp_month: number;
  exp_year: number;
  funding_currency: FundingCurrency;
  limit_per_authorization: string | null;
  limit_daily: string | null;
  limit_monthly: string | null;
  limit_all_time: string | null;
  blocked_categories: string[];
  replacement_for: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
}

const CARD_COLUMNS = `id, user_id, issuer, issuer_card_id, nickname, state, state_reason, last4, exp_month, exp_year,
  funding_currency, limit_per_authorization::text, limit_daily::text, limit_monthly::text, limit_all_time::text,
  blocked_categories, replacement_for, created_at, updated_at, closed_at`;

const big = (value: string | null) => (value === null ? null : BigInt(value));

function toCard(row: CardRow): Card {
  return {
    id: row.id,
    userId: row.user_id,
    issuer: row.issuer,
    issuerCardId: row.issuer_card_id,
    nickname: row.nickname,
    state: row.state,
    stateReason: row.state_reason,
    last4: row.last4,
    expMonth: Number(row.exp_month),
    expYear: Number(row.exp_year),
    fundingCurrency: row.funding_currency,
    limits: {
      perAuthorization: big(row.limit_per_authorization),
      daily: big(row.limit_daily),
      monthly: big(row.limit_monthly),
      allTime: big(row.limit_all_time),
      blockedCategories: row.blocked_categories ?? [],
    },
    replacementFor: row.replacement_for,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    closedAt: row.closed_at,
  };
}

export type AuthorizationStatus = 'pending' | 'closed' | 'reversed' | 'expired' | 'declined';

export interface CardAuthorizationRow {
  id: string;
  cardId: string;
  userId: string;
  issuer: string;
  issuerAuthorizationId: string;
  status: AuthorizationStatus;
  declineCode: string | null;
  /** USD cents approved (less what was reversed). */
  amount: bigint;
  /** Funding minor units held now. */
  held: bigint;
  /** USD cents cleared, refunded. */
  cleared: bigint;
  refunded: bigint;
  /** Funding minor units owed by the user (an over-capture the wallet could not cover). */
  receivable: bigint;
  fundingCurrency: string;
  holdId: string | null;
  /** USD cents counted against the tier's limits. */
  limitsUsd: bigint;
  merchant: CardMerchant;
  createdAt: Date;
}

interface AuthorizationDbRow {
  id: string;
  card_id: string;
  user_id: string;
  issuer: string;
  issuer_authorization_id: string;
  status: AuthorizationStatus;
  decline_code: string | null;
  amount: string;
  held: string;
  cleared: string;
  refunded: string;
  receivable: string;
  funding_currency: string;
  hold_id: string | null;
  limits_usd: string;
  merchant: CardMerchant;
  created_at: Date;
}

const AUTHORIZATION_COLUMNS = `id, card_id, user_id, issuer, issuer_authorization_id, status, decline_code,
  amount::text, held::text, cleared::text, refunded::text, receivable::text, funding_currency, hold_id,
  limits_usd::text, merchant, created_at`;

function toAuthorization(row: AuthorizationDbRow): CardAuthorizationRow {
  return {
    id: row.id,
    cardId: row.card_id,
    userId: row.user_id,
    issuer: row.issuer,
    issuerAuthorizationId: row.issuer_authorization_id,
    status: row.status,
    declineCode: row.decline_code,
    amount: BigInt(row.amount),
    held: BigInt(row.held),
    cleared: BigInt(row.cleared),
    refunded: BigInt(row.refunded),
    receivable: BigInt(row.receivable),
    fundingCurrency: row.funding_currency,
    holdId: row.hold_id,
    limitsUsd: BigInt(row.limits_usd),
    merchant: row.merchant,
    createdAt: row.created_at,
  };
}

export interface CardTransactionRow {
  id: string;
  authorizationId: string;
  type: string;
  amount: bigint;
  currency: string;
  declineCode: string | null;
  merchant: CardMerchant;
  createdAt: Date;
}

/** All SQL of the cards context (STYLE, Persistence). */
@Injectable()
export class CardsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async insertCard(tx: EntityManager, card: Card, sealed: { pan: Buffer; cvv: Buffer }): Promise<void> {
    await tx.query(
      `INSERT INTO cards (id, user_id, issuer, issuer_card_id, nickname, state, state_reason, last4, exp_month,
         exp_year, pan_sealed, cvv_sealed, funding_currency, limit_per_authorization, limit_daily, limit_monthly,
         limit_all_time, blocked_categories, replacement_for, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $20)`,
      [
        card.id,
        card.userId,
        card.issuer,
        card.issuerCardId,
        card.nickname,
        card.state,
        card.stateReason,
        card.last4,
        card.expMonth,
        card.expYear,
        sealed.pan,
        sealed.cvv,
        card.fundingCurrency,
        card.limits.perAuthorization?.toString() ?? null,
        card.limits.daily?.toString() ?? null,
        card.limits.monthly?.toString() ?? null,
        card.limits.allTime?.toString() ?? null,
        card.limits.blockedCategories,
        card.replacementFor,
        card.createdAt,
      ],
    );
  }

  async find(manager: EntityManager, userId: string, cardId: string): Promise<Card | null> {
    const rows = (await manager.query(`SELECT ${CARD_COLUMNS} FROM cards WHERE id = $1 AND user_id = $2`, [
      cardId,
      userId,
    ])) as CardRow[];
    return rows[0] ? toCard(rows[0]) : null;
  }

  async lock(tx: EntityManager, userId: string, cardId: string): Promise<Card | null> {
    const rows = (await tx.query(
      `SELECT ${CARD_COLUMNS} FROM cards WHERE id = $1 AND user_id = $2 FOR UPDATE`,
      [cardId, userId],
    )) as CardRow[];
    return rows[0] ? toCard(rows[0]) : null;
  }

  async lockByIssuerId(tx: EntityManager, issuer: string, issuerCardId: string): Promise<Card | null> {
    const rows = (await tx.query(
      `SELECT ${CARD_COLUMNS} FROM cards WHERE issuer = $1 AND issuer_card_id = $2 FOR UPDATE`,
      [issuer, issuerCardId],
    )) as CardRow[];
    return rows[0] ? toCard(rows[0]) : null;
  }

  async findById(manager: EntityManager, cardId: string): Promise<Card | null> {
    const rows = (await manager.query(`SELECT ${CARD_COLUMNS} FROM cards WHERE id = $1`, [
      cardId,
    ])) as CardRow[];
    return rows[0] ? toCard(rows[0]) : null;
  }

  async replacementOf(manager: EntityManager, cardId: string): Promise<Card | null> {
    const rows = (await manager.query(`SELECT ${CARD_COLUMNS} FROM cards WHERE replacement_for = $1`, [
      cardId,
    ])) as CardRow[];
    return rows[0] ? toCard(rows[0]) : null;
  }

  async list(userId: string): Promise<Card[]> {
    const rows = (await this.manager.query(
      `SELECT ${CARD_COLUMNS} FROM cards WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200`,
      [userId],
    )) as CardRow[];
    return rows.map(toCard);
  }

  async countNotClosed(tx: EntityManager, userId: string): Promise<number> {
    const [row] = (await tx.query(
      `SELECT count(*)::int AS n FROM cards WHERE user_id = $1 AND state <> 'CLOSED'`,
      [userId],
    )) as Array<{ n: number }>;
    return Number(row.n);
  }

  async sealed(tx: EntityManager, cardId: string): Promise<{ pan: Buffer; cvv: Buffer }> {
    const [row] = (await tx.query(`SELECT pan_sealed, cvv_sealed FROM cards WHERE id = $1`, [
      cardId,
    ])) as Array<{
      pan_sealed: Buffer;
      cvv_sealed: Buffer;
    }>;
    return { pan: row.pan_sealed, cvv: row.cvv_sealed };
  }

  async setState(
    tx: EntityManager,
    cardId: string,
    state: CardState,
    reason: CardStateReason | null,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE cards SET state = $2, state_reason = $3, updated_at = $4,
         closed_at = CASE WHEN $2 = 'CLOSED' THEN $4 ELSE closed_at END
       WHERE id = $1`,
      [cardId, state, reason, now],
    );
  }

  async setLimits(tx: EntityManager, cardId: string, limits: CardLimits, now: Date): Promise<void> {
    await tx.query(
      `UPDATE cards SET limit_per_authorization = $2, limit_daily = $3, limit_monthly = $4, limit_all_time = $5,
         blocked_categories = $6, updated_at = $7
       WHERE id = $1`,
      [
        cardId,
        limits.perAuthorization?.toString() ?? null,
        limits.daily?.toString() ?? null,
        limits.monthly?.toString() ?? null,
        limits.allTime?.toString() ?? null,
        limits.blockedCategories,
        now,
      ],
    );
  }

  /** What the card has spent (approved, less reversals), in USD cents, since each window's start. */
  async usage(manager: EntityManager, cardId: string, day: Date, month: Date): Promise<CardUsage> {
    const [row] = (await manager.query(
      `SELECT coalesce(sum(amount) FILTER (WHERE created_at >= $2), 0)::text AS daily,
              coalesce(sum(amount) FILTER (WHERE created_at >= $3), 0)::text AS monthly,
              coalesce(sum(amount), 0)::text AS all_time
       FROM card_authorizations WHERE card_id = $1 AND status IN ('pending', 'closed')`,
      [cardId, day, month],
    )) as Array<{ daily: string; monthly: string; all_time: string }>;
    return { daily: BigInt(row.daily), monthly: BigInt(row.monthly), allTime: BigInt(row.all_time) };
  }

  async findRequest(
    manager: EntityManager,
    issuer: string,
    requestId: string,
  ): Promise<{ approved: boolean; declineCode: string | null; authorizationId: string } | null> {
    const rows = (await manager.query(
      `SELECT approved, decline_code, authorization_id FROM card_authorization_requests
       WHERE issuer = $1 AND request_id = $2`,
      [issuer, requestId],
    )) as Array<{ approved: boolean; decline_code: string | null; authorization_id: string }>;
    return rows[0]
      ? {
          approved: rows[0].approved,
          declineCode: rows[0].decline_code,
          authorizationId: rows[0].authorization_id,
        }
      : null;
  }

  /** Claims the answer to one real-time request; false when another transaction answered it already. */
  async insertRequest(
    tx: EntityManager,
    issuer: string,
    requestId: string,
    authorizationId: string,
    approved: boolean,
    declineCode: string | null,
    now: Date,
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO card_authorization_requests (issuer, request_id, authorization_id, approved, decline_code,
         created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING request_id`,
      [issuer, requestId, authorizationId, approved, declineCode, now],
    )) as unknown[];
    return rows.length === 1;
  }

  async lockAuthorization(
    tx: EntityManager,
    issuer: string,
    issuerAuthorizationId: string,
  ): Promise<CardAuthorizationRow | null> {
    const rows = (await tx.query(
      `SELECT ${AUTHORIZATION_COLUMNS} FROM card_authorizations
       WHERE issuer = $1 AND issuer_authorization_id = $2 FOR UPDATE`,
      [issuer, issuerAuthorizationId],
    )) as AuthorizationDbRow[];
    return rows[0] ? toAuthorization(rows[0]) : null;
  }

  /** A new authorization; false when the issuer's id is already recorded (a concurrent duplicate request). */
  async insertAuthorization(tx: EntityManager, row: CardAuthorizationRow): Promise<boolean> {
    const inserted = (await tx.query(
      `INSERT INTO card_authorizations (id, card_id, user_id, issuer, issuer_authorization_id, status,
         decline_code, amount, held, cleared, refunded, receivable, funding_currency, hold_id, limits_usd,
         merchant, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
       ON CONFLICT (issuer, issuer_authorization_id) DO NOTHING RETURNING id`,
      [
        row.id,
        row.cardId,
        row.userId,
        row.issuer,
        row.issuerAuthorizationId,
        row.status,
        row.declineCode,
        row.amount.toString(),
        row.held.toString(),
        row.cleared.toString(),
        row.refunded.toString(),
        row.receivable.toString(),
        row.fundingCurrency,
        row.holdId,
        row.limitsUsd.toString(),
        JSON.stringify(row.merchant),
        row.createdAt,
      ],
    )) as unknown[];
    return inserted.length === 1;
  }

  async updateAuthorization(tx: EntityManager, row: CardAuthorizationRow, now: Date): Promise<void> {
    await tx.query(
      `UPDATE card_authorizations SET status = $2, decline_code = $3, amount = $4, held = $5, cleared = $6,
         refunded = $7, receivable = $8, hold_id = $9, limits_usd = $10, updated_at = $11
       WHERE id = $1`,
      [
        row.id,
        row.status,
        row.declineCode,
        row.amount.toString(),
        row.held.toString(),
        row.cleared.toString(),
        row.refunded.toString(),
        row.receivable.toString(),
        row.holdId,
        row.limitsUsd.toString(),
        now,
      ],
    );
  }

  /** A line of the card's activity; false when the issuer's event is already recorded (applied once). */
  async insertTransaction(
    tx: EntityManager,
    line: {
      id: string;
      cardId: string;
      userId: string;
      authorizationId: string;
      issuerEventId: string | null;
      type: string;
      amount: bigint;
      currency: string;
      declineCode: string | null;
      createdAt: Date;
    },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO card_transactions (id, card_id, user_id, authorization_id, issuer_event_id, type, amount,
         currency, decline_code, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (issuer_event_id) WHERE issuer_event_id IS NOT NULL DO NOTHING RETURNING id`,
      [
        line.id,
        line.cardId,
        line.userId,
        line.authorizationId,
        line.issuerEventId,
        line.type,
        line.amount.toString(),
        line.currency,
        line.declineCode,
        line.createdAt,
      ],
    )) as unknown[];
    return rows.length === 1;
  }

  async isEventApplied(tx: EntityManager, issuerEventId: string): Promise<boolean> {
    const rows = (await tx.query(`SELECT 1 FROM card_transactions WHERE issuer_event_id = $1`, [
      issuerEventId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** Remembers an issuer webhook by its `webhook-id`; false when it was already received. */
  async recordWebhook(issuer: string, webhookId: string, type: string, now: Date): Promise<boolean> {
    const rows = (await this.manager.query(
      `INSERT INTO card_webhook_events (issuer, webhook_id, type, received_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING webhook_id`,
      [issuer, webhookId, type, now],
    )) as unknown[];
    return rows.length === 1;
  }

  async forgetWebhook(issuer: string, webhookId: string): Promise<void> {
    await this.manager.query(`DELETE FROM card_webhook_events WHERE issuer = $1 AND webhook_id = $2`, [
      issuer,
      webhookId,
    ]);
  }

  async transactions(
    cardId: string,
    limit: number,
    before: { createdAt: Date; id: string } | null,
  ): Promise<CardTransactionRow[]> {
    const rows = (await this.manager.query(
      `SELECT t.id, t.authorization_id, t.type, t.amount::text AS amount, t.currency, t.decline_code,
              a.merchant, t.created_at
       FROM card_transactions t JOIN card_authorizations a ON a.id = t.authorization_id
       WHERE t.card_id = $1 AND ($2::timestamptz IS NULL OR (t.created_at, t.id) < ($2, $3::uuid))
       ORDER BY t.created_at DESC, t.id DESC LIMIT $4`,
      [cardId, before?.createdAt ?? null, before?.id ?? null, limit],
    )) as Array<{
      id: string;
      authorization_id: string;
      type: string;
      amount: string;
      currency: string;
      decline_code: string | null;
      merchant: CardMerchant;
      created_at: Date;
    }>;
    return rows.map((row) => ({
      id: row.id,
      authorizationId: row.authorization_id,
      type: row.type,
      amount: BigInt(row.amount),
      currency: row.currency,
      declineCode: row.decline_code,
      merchant: row.merchant,
      createdAt: row.created_at,
    }));
  }

  async revealsSince(tx: EntityManager, userId: string, since: Date): Promise<number> {
    const [row] = (await tx.query(
      `SELECT count(*)::int AS n FROM card_reveals WHERE user_id = $1 AND revealed_at > $2`,
      [userId, since],
    )) as Array<{ n: number }>;
    return Number(row.n);
  }

  async recordReveal(tx: EntityManager, cardId: string, userId: string, now: Date): Promise<void> {
    await tx.query(`INSERT INTO card_reveals (card_id, user_id, revealed_at) VALUES ($1, $2, $3)`, [
      cardId,
      userId,
      now,
    ]);
  }

  /** Serialises the reveals of one user (the rate limit counts under this lock). */
  async lockUserReveals(tx: EntityManager, userId: string): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('card-reveal:' || $1))`, [userId]);
  }
}
