import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CardMerchant } from '../../domain/events';
import type {
  IssuerAuthorization,
  IssuerAuthorizationEvent,
  IssuerAuthorizationStatus,
} from '../../application/card-issuer.port';

export interface SandboxCardRow {
  id: string;
  state: string;
  reason: string | null;
  last4: string;
}

export interface SandboxAuthorizationRow {
  id: string;
  cardId: string;
  status: IssuerAuthorizationStatus;
  amount: bigint;
  cleared: bigint;
  refunded: bigint;
  currency: string;
  merchant: CardMerchant;
  declineCode: string | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface SandboxEventRow {
  id: string;
  authorizationId: string;
  type: IssuerAuthorizationEvent['type'];
  amount: bigint;
  final: boolean;
  body: string;
}

interface AuthDb {
  id: string;
  card_id: string;
  status: IssuerAuthorizationStatus;
  amount: string;
  cleared: string;
  refunded: string;
  currency: string;
  merchant: CardMerchant;
  decline_code: string | null;
  created_at: Date;
  expires_at: Date;
}

const AUTH_COLUMNS = `id, card_id, status, amount::text, cleared::text, refunded::text, currency, merchant,
  decline_code, created_at, expires_at`;

function toAuth(row: AuthDb): SandboxAuthorizationRow {
  return {
    id: row.id,
    cardId: row.card_id,
    status: row.status,
    amount: BigInt(row.amount),
    cleared: BigInt(row.cleared),
    refunded: BigInt(row.refunded),
    currency: row.currency,
    merchant: row.merchant,
    declineCode: row.decline_code,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** The sandbox issuer's own tables (`sandbox_card_*`): what the vendor holds. */
@Injectable()
export class CardSandboxRepository {
  async insertCard(
    tx: EntityManager,
    card: { id: string; panSha256: string; last4: string; expMonth: number; expYear: number },
    replacementFor: string | null,
    now: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO sandbox_card_cards (id, pan_sha256, last4, exp_month, exp_year, state, reason, replacement_for,
         created_at)
       VALUES ($1, $2, $3, $4, $5, 'OPEN', NULL, $6, $7)`,
      [card.id, card.panSha256, card.last4, card.expMonth, card.expYear, replacementFor, now],
    );
  }

  async findCard(tx: EntityManager, id: string): Promise<SandboxCardRow | null> {
    const rows = (await tx.query(`SELECT id, state, reason, last4 FROM sandbox_card_cards WHERE id = $1`, [
      id,
    ])) as SandboxCardRow[];
    return rows[0] ?? null;
  }

  async setCardState(tx: EntityManager, id: string, state: string, reason: string | null): Promise<void> {
    // CLOSED is final at the vendor too.
    await tx.query(
      `UPDATE sandbox_card_cards SET state = $2, reason = $3 WHERE id = $1 AND state <> 'CLOSED'`,
      [id, state, reason],
    );
  }

  async insertAuthorization(tx: EntityManager, row: SandboxAuthorizationRow): Promise<void> {
    await tx.query(
      `INSERT INTO sandbox_card_authorizations (id, card_id, status, amount, cleared, refunded, currency, merchant,
         decline_code, created_at, expires_at)
       VALUES ($1, $2, $3, $4, 0, 0, $5, $6, NULL, $7, $8)`,
      [
        row.id,
        row.cardId,
        row.status,
        row.amount.toString(),
        row.currency,
        JSON.stringify(row.merchant),
        row.createdAt,
        row.expiresAt,
      ],
    );
  }

  async lockAuthorization(tx: EntityManager, id: string): Promise<SandboxAuthorizationRow | null> {
    const rows = (await tx.query(
      `SELECT ${AUTH_COLUMNS} FROM sandbox_card_authorizations WHERE id = $1 FOR UPDATE`,
      [id],
    )) as AuthDb[];
    return rows[0] ? toAuth(rows[0]) : null;
  }

  async saveAuthorization(tx: EntityManager, row: SandboxAuthorizationRow): Promise<void> {
    await tx.query(
      `UPDATE sandbox_card_authorizations SET status = $2, amount = $3, cleared = $4, refunded = $5,
         decline_code = $6
       WHERE id = $1`,
      [
        row.id,
        row.status,
        row.amount.toString(),
        row.cleared.toString(),
        row.refunded.toString(),
        row.declineCode,
      ],
    );
  }

  async lockDue(tx: EntityManager, now: Date, limit: number): Promise<SandboxAuthorizationRow[]> {
    const rows = (await tx.query(
      `SELECT ${AUTH_COLUMNS} FROM sandbox_card_authorizations
       WHERE status = 'pending' AND expires_at <= $1
       ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as AuthDb[];
    return rows.map(toAuth);
  }

  async insertEvent(tx: EntityManager, event: SandboxEventRow, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO sandbox_card_events (id, authorization_id, type, amount, final, body, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [event.id, event.authorizationId, event.type, event.amount.toString(), event.final, event.body, now],
    );
  }

  async markDelivered(tx: EntityManager, id: string, now: Date): Promise<void> {
    await tx.query(`UPDATE sandbox_card_events SET delivered_at = $2 WHERE id = $1`, [id, now]);
  }

  async view(tx: EntityManager, id: string): Promise<IssuerAuthorization | null> {
    const rows = (await tx.query(`SELECT ${AUTH_COLUMNS} FROM sandbox_card_authorizations WHERE id = $1`, [
      id,
    ])) as AuthDb[];
    if (!rows[0]) return null;
    const auth = toAuth(rows[0]);
    const events = (await tx.query(
      `SELECT id, type, amount::text AS amount, final, created_at FROM sandbox_card_events
       WHERE authorization_id = $1 ORDER BY seq`,
      [id],
    )) as Array<{
      id: string;
      type: IssuerAuthorizationEvent['type'];
      amount: string;
      final: boolean;
      created_at: Date;
    }>;
    return {
      id: auth.id,
      cardId: auth.cardId,
      status: auth.status,
      amount: auth.amount,
      cleared: auth.cleared,
      refunded: auth.refunded,
      currency: auth.currency,
      merchant: auth.merchant,
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        amount: BigInt(e.amount),
        final: e.final,
        createdAt: e.created_at,
      })),
    };
  }
}
