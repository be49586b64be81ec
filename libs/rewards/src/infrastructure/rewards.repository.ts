import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RewardCounter } from '../domain/achievements';
import type { RewardLevel } from '../domain/levels';

export type EarnStatus = 'pending' | 'available' | 'cancelled' | 'clawed_back' | 'spent' | 'expired';

export interface EarnRecord {
  id: string;
  userId: string;
  ruleId: string;
  sourceKey: string;
  sourceRef: string | null;
  reason: string;
  points: bigint;
  remaining: bigint;
  /** Points taken back so far (a partial refund claws back its share); `points - clawed` is what the earn is worth. */
  clawed: bigint;
  status: EarnStatus;
  holdId: string | null;
  availableAt: Date;
  expiresAt: Date;
  createdAt: Date;
}

export interface RewardAccountRecord {
  userId: string;
  lifetimePoints: bigint;
  debt: bigint;
  level: RewardLevel;
  timeZone: string;
  streakWeeks: number;
  streakLastWeek: string | null;
  referralCode: string | null;
  codeIp: string | null;
  codeDevice: string | null;
  codeSeenAt: Date | null;
  firstDepositAt: Date | null;
  verifiedAt: Date | null;
}

export type ActivityKind =
  'earned' | 'vested' | 'redeemed' | 'expired' | 'clawed_back' | 'cancelled' | 'written_off' | 'debt_repaid';

export interface ActivityRecord {
  id: string;
  userId: string;
  kind: ActivityKind;
  points: bigint;
  reason: string;
  reference: string | null;
  ledgerTransactionId: string | null;
  createdAt: Date;
}

export interface CatalogItemRecord {
  id: string;
  kind: 'cashback' | 'gift_card';
  name: string;
  description: string;
  cost: bigint;
  cashbackCurrency: string | null;
  cashbackAmount: bigint | null;
  partner: string | null;
  stock: number | null;
  minLevel: RewardLevel;
}

export interface ReferralRecord {
  id: string;
  referrerId: string;
  referredId: string;
  code: string;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  flagged: boolean;
  signals: Record<string, unknown>;
  qualifyingDepositId: string | null;
  qualifyingAmountUsd: string | null;
  qualifiesAt: Date | null;
  createdAt: Date;
  decidedAt: Date | null;
}

interface EarnRow {
  id: string;
  user_id: string;
  rule_id: string;
  source_key: string;
  source_ref: string | null;
  reason: string;
  points: string;
  remaining: string;
  clawed: string;
  status: EarnStatus;
  hold_id: string | null;
  available_at: Date;
  expires_at: Date;
  created_at: Date;
}

const EARN_COLUMNS =
  'id, user_id, rule_id, source_key, source_ref, reason, points::text AS points, remaining::text AS remaining, ' +
  'clawed::text AS clawed, status, hold_id, available_at, expires_at, created_at';

function toEarn(row: EarnRow): EarnRecord {
  return {
    id: row.id,
    userId: row.user_id,
    ruleId: row.rule_id,
    sourceKey: row.source_key,
    sourceRef: row.source_ref,
    reason: row.reason,
    points: BigInt(row.points),
    remaining: BigInt(row.remaining),
    clawed: BigInt(row.clawed),
    status: row.status,
    holdId: row.hold_id,
    availableAt: row.available_at,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

const ACCOUNT_COLUMNS =
  'user_id, lifetime_points::text AS lifetime_points, debt::text AS debt, level, time_zone, streak_weeks, ' +
  'streak_last_week, referral_code, code_ip, code_device, code_seen_at, first_deposit_at, verified_at';

interface AccountRow {
  user_id: string;
  lifetime_points: string;
  debt: string;
  level: RewardLevel;
  time_zone: string;
  streak_weeks: number;
  streak_last_week: string | null;
  referral_code: string | null;
  code_ip: string | null;
  code_device: string | null;
  code_seen_at: Date | null;
  first_deposit_at: Date | null;
  verified_at: Date | null;
}

function toAccount(row: AccountRow): RewardAccountRecord {
  return {
    userId: row.user_id,
    lifetimePoints: BigInt(row.lifetime_points),
    debt: BigInt(row.debt),
    level: row.level,
    timeZone: row.time_zone,
    streakWeeks: row.streak_weeks,
    streakLastWeek: row.streak_last_week,
    referralCode: row.referral_code,
    codeIp: row.code_ip,
    codeDevice: row.code_device,
    codeSeenAt: row.code_seen_at,
    firstDepositAt: row.first_deposit_at,
    verifiedAt: row.verified_at,
  };
}

const REFERRAL_COLUMNS =
  'id, referrer_id, referred_id, code, status, reason, flagged, signals, qualifying_deposit_id, ' +
  'qualifying_amount_usd, qualifies_at, created_at, decided_at';

interface ReferralRow {
  id: string;
  referrer_id: string;
  referred_id: string;
  code: string;
  status: ReferralRecord['status'];
  reason: string | null;
  flagged: boolean;
  signals: Record<string, unknown>;
  qualifying_deposit_id: string | null;
  qualifying_amount_usd: string | null;
  qualifies_at: Date | null;
  created_at: Date;
  decided_at: Date | null;
}

function toReferral(row: ReferralRow): ReferralRecord {
  return {
    id: row.id,
    referrerId: row.referrer_id,
    referredId: row.referred_id,
    code: row.code,
    status: row.status,
    reason: row.reason,
    flagged: row.flagged,
    signals: row.signals,
    qualifyingDepositId: row.qualifying_deposit_id,
    qualifyingAmountUsd: row.qualifying_amount_usd,
    qualifiesAt: row.qualifies_at,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
  };
}

/** Every statement of the rewards context; each runs on the manager it is given (a transaction, or a reader). */
@Injectable()
export class RewardsRepository {
  /** The member's rewards account, created on first use; locked (FOR UPDATE) when `lock` is set. */
  async account(tx: EntityManager, userId: string, now: Date, lock = false): Promise<RewardAccountRecord> {
    await tx.query(
      `INSERT INTO reward_accounts (user_id, created_at) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`,
      [userId, now],
    );
    const [row] = (await tx.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM reward_accounts WHERE user_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [userId],
    )) as AccountRow[];
    return toAccount(row);
  }

  /** {@link account} for several members in two statements, locked in user-id order (batches cannot deadlock). */
  async accounts(
    tx: EntityManager,
    userIds: ReadonlyArray<string>,
    now: Date,
  ): Promise<Map<string, RewardAccountRecord>> {
    const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].sort();
    await tx.query(
      `INSERT INTO reward_accounts (user_id, created_at) SELECT unnest($1::uuid[]), $2 ORDER BY 1
       ON CONFLICT (user_id) DO NOTHING`,
      [ids, now],
    );
    const rows = (await tx.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM reward_accounts WHERE user_id = ANY($1::uuid[]) ORDER BY user_id FOR UPDATE`,
      [ids],
    )) as AccountRow[];
    return new Map(rows.map((row) => [row.user_id.toLowerCase(), toAccount(row)]));
  }

  async findAccount(manager: EntityManager, userId: string): Promise<RewardAccountRecord | null> {
    const [row] = (await manager.query(`SELECT ${ACCOUNT_COLUMNS} FROM reward_accounts WHERE user_id = $1`, [
      userId,
    ])) as AccountRow[];
    return row ? toAccount(row) : null;
  }

  async updateAccount(
    tx: EntityManager,
    userId: string,
    changes: Partial<
      Pick<
        RewardAccountRecord,
        | 'lifetimePoints'
        | 'debt'
        | 'level'
        | 'timeZone'
        | 'streakWeeks'
        | 'streakLastWeek'
        | 'firstDepositAt'
        | 'verifiedAt'
      >
    >,
  ): Promise<void> {
    const columns: Record<string, string> = {
      lifetimePoints: 'lifetime_points',
      debt: 'debt',
      level: 'level',
      timeZone: 'time_zone',
      streakWeeks: 'streak_weeks',
      streakLastWeek: 'streak_last_week',
      firstDepositAt: 'first_deposit_at',
      verifiedAt: 'verified_at',
    };
    const sets: string[] = [];
    const values: unknown[] = [userId];
    for (const [key, value] of Object.entries(changes)) {
      values.push(typeof value === 'bigint' ? value.toString() : value);
      sets.push(`${columns[key]} = $${values.length}`);
    }
    if (sets.length === 0) return;
    await tx.query(`UPDATE reward_accounts SET ${sets.join(', ')} WHERE user_id = $1`, values);
  }

  /** Sets the member's referral code unless one is set; returns the code the member has. */
  async claimReferralCode(
    tx: EntityManager,
    userId: string,
    code: string,
    seen: { ip: string | null; device: string | null },
    now: Date,
  ): Promise<string | null> {
    // An UPDATE's answer through TypeORM is [rows, affected].
    const [[row]] = (await tx.query(
      `UPDATE reward_accounts SET referral_code = COALESCE(referral_code, $2),
              code_ip = COALESCE($3, code_ip), code_device = COALESCE($4, code_device), code_seen_at = $5
        WHERE user_id = $1 AND NOT EXISTS (SELECT 1 FROM reward_accounts o WHERE o.referral_code = $2 AND o.user_id <> $1)
        RETURNING referral_code`,
      [userId, code, seen.ip, seen.device, now],
    )) as [Array<{ referral_code: string }>, number];
    return row?.referral_code ?? null;
  }

  async accountByCode(manager: EntityManager, code: string): Promise<RewardAccountRecord | null> {
    const [row] = (await manager.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM reward_accounts WHERE referral_code = $1`,
      [code],
    )) as AccountRow[];
    return row ? toAccount(row) : null;
  }

  /**
   * Earns in one statement, each once per (rule, source key): answers the ids of those written. Of two with the same
   * rule and key, in the database or earlier in `earns`, the first stays and the later one is not written.
   */
  async insertEarns(
    tx: EntityManager,
    earns: ReadonlyArray<EarnRecord & { sourceEventId: string | null }>,
  ): Promise<Set<string>> {
    if (earns.length === 0) return new Set();
    const rows = (await tx.query(
      `INSERT INTO reward_earns (id, user_id, rule_id, source_key, source_event_id, source_ref, reason, points,
         remaining, status, hold_id, available_at, expires_at, created_at)
       SELECT id, user_id, rule_id, source_key, source_event_id, source_ref, reason, points, remaining, status, hold_id,
              available_at, expires_at, created_at
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::text[], $7::text[],
                     $8::bigint[], $9::bigint[], $10::text[], $11::uuid[], $12::timestamptz[], $13::timestamptz[],
                     $14::timestamptz[]) WITH ORDINALITY
              AS e(id, user_id, rule_id, source_key, source_event_id, source_ref, reason, points, remaining, status,
                   hold_id, available_at, expires_at, created_at, position)
        ORDER BY position
       ON CONFLICT ON CONSTRAINT reward_earns_rule_source_key DO NOTHING RETURNING id`,
      [
        earns.map((earn) => earn.id),
        earns.map((earn) => earn.userId),
        earns.map((earn) => earn.ruleId),
        earns.map((earn) => earn.sourceKey),
        earns.map((earn) => earn.sourceEventId),
        earns.map((earn) => earn.sourceRef),
        earns.map((earn) => earn.reason),
        earns.map((earn) => earn.points.toString()),
        earns.map((earn) => earn.remaining.toString()),
        earns.map((earn) => earn.status),
        earns.map((earn) => earn.holdId),
        earns.map((earn) => earn.availableAt),
        earns.map((earn) => earn.expiresAt),
        earns.map((earn) => earn.createdAt),
      ],
    )) as Array<{ id: string }>;
    return new Set(rows.map((row) => row.id.toLowerCase()));
  }

  async setEarn(tx: EntityManager, earnId: string, status: EarnStatus, remaining: bigint): Promise<void> {
    await this.setEarns(tx, [{ id: earnId, status, remaining }]);
  }

  /** {@link setEarn} for several lots, in one statement. */
  async setEarns(
    tx: EntityManager,
    lots: ReadonlyArray<{ id: string; status: EarnStatus; remaining: bigint }>,
  ): Promise<void> {
    if (lots.length === 0) return;
    await tx.query(
      `UPDATE reward_earns e SET status = u.status, remaining = u.remaining
         FROM unnest($1::uuid[], $2::text[], $3::bigint[]) AS u(id, status, remaining)
        WHERE e.id = u.id`,
      [lots.map((lot) => lot.id), lots.map((lot) => lot.status), lots.map((lot) => lot.remaining.toString())],
    );
  }

  /** Records points taken back from an earn (and its hold, when a pending earn's hold was replaced). */
  async addClawed(tx: EntityManager, earnId: string, clawed: bigint, holdId: string | null): Promise<void> {
    await tx.query(
      `UPDATE reward_earns SET clawed = clawed + $2, hold_id = COALESCE($3, hold_id) WHERE id = $1`,
      [earnId, clawed.toString(), holdId],
    );
  }

  async lockEarn(tx: EntityManager, earnId: string): Promise<EarnRecord | null> {
    const [row] = (await tx.query(`SELECT ${EARN_COLUMNS} FROM reward_earns WHERE id = $1 FOR UPDATE`, [
      earnId,
    ])) as EarnRow[];
    return row ? toEarn(row) : null;
  }

  /** Pending earns whose lock period is over (read without locks: each is vested in its own transaction). */
  async vestable(
    manager: EntityManager,
    now: Date,
    limit: number,
  ): Promise<Array<{ id: string; userId: string }>> {
    const rows = (await manager.query(
      `SELECT id, user_id FROM reward_earns WHERE status = 'pending' AND available_at <= $1
        ORDER BY available_at, id LIMIT $2`,
      [now, limit],
    )) as Array<{ id: string; user_id: string }>;
    return rows.map((row) => ({ id: row.id, userId: row.user_id }));
  }

  /** Members with available lots past their expiry and points left in them. */
  async usersWithExpiredLots(manager: EntityManager, now: Date, limit: number): Promise<string[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT user_id FROM reward_earns WHERE status = 'available' AND expires_at <= $1 AND remaining > 0
        LIMIT $2`,
      [now, limit],
    )) as Array<{ user_id: string }>;
    return rows.map((row) => row.user_id);
  }

  /** The member's available lots past their expiry with points left, locked. */
  async lockExpiredOf(tx: EntityManager, userId: string, now: Date): Promise<EarnRecord[]> {
    const rows = (await tx.query(
      `SELECT ${EARN_COLUMNS} FROM reward_earns
        WHERE user_id = $1 AND status = 'available' AND expires_at <= $2 AND remaining > 0
        ORDER BY expires_at, id FOR UPDATE`,
      [userId, now],
    )) as EarnRow[];
    return rows.map(toEarn);
  }

  /** Per member, the points of available lots expiring before `before` not yet announced; marks them announced. */
  async claimExpiryNotices(
    tx: EntityManager,
    now: Date,
    before: Date,
    limit: number,
  ): Promise<Array<{ userId: string; points: bigint; expiresAt: Date }>> {
    const rows = (await tx.query(
      `WITH due AS (
         SELECT id FROM reward_earns
          WHERE status = 'available' AND remaining > 0 AND expiry_notified_at IS NULL AND expires_at <= $2
          ORDER BY expires_at LIMIT $3 FOR UPDATE SKIP LOCKED
       ), marked AS (
         UPDATE reward_earns e SET expiry_notified_at = $1 FROM due WHERE e.id = due.id
         RETURNING e.user_id, e.remaining, e.expires_at
       )
       SELECT user_id, SUM(remaining)::text AS points, MIN(expires_at) AS expires_at FROM marked GROUP BY user_id`,
      [now, before, limit],
    )) as Array<{ user_id: string; points: string; expires_at: Date }>;
    return rows.map((row) => ({
      userId: row.user_id,
      points: BigInt(row.points),
      expiresAt: row.expires_at,
    }));
  }

  /** The member's available lots with points left, oldest expiry first, locked: what spending consumes. */
  async lockSpendable(tx: EntityManager, userId: string): Promise<EarnRecord[]> {
    const rows = (await tx.query(
      `SELECT ${EARN_COLUMNS} FROM reward_earns WHERE user_id = $1 AND status = 'available' AND remaining > 0
        ORDER BY expires_at, created_at, id FOR UPDATE`,
      [userId],
    )) as EarnRow[];
    return rows.map(toEarn);
  }

  /** The earns of a source not yet reversed (read without locks: who earned from it). */
  async earnsBySource(
    manager: EntityManager,
    sourceRef: string,
  ): Promise<Array<{ id: string; userId: string }>> {
    const rows = (await manager.query(
      `SELECT id, user_id FROM reward_earns WHERE source_ref = $1 AND status IN ('pending', 'available', 'spent')`,
      [sourceRef],
    )) as Array<{ id: string; user_id: string }>;
    return rows.map((row) => ({ id: row.id, userId: row.user_id }));
  }

  /** The member's earns of a source not yet reversed, locked. */
  async lockBySource(tx: EntityManager, sourceRef: string, userId: string): Promise<EarnRecord[]> {
    const rows = (await tx.query(
      `SELECT ${EARN_COLUMNS} FROM reward_earns
        WHERE source_ref = $1 AND user_id = $2 AND status IN ('pending', 'available', 'spent')
        ORDER BY created_at, id FOR UPDATE`,
      [sourceRef, userId],
    )) as EarnRow[];
    return rows.map(toEarn);
  }

  async pointsSummary(
    manager: EntityManager,
    userId: string,
    expiringBefore: Date,
  ): Promise<{ pending: bigint; expiringSoon: bigint; nextExpiry: Date | null }> {
    const [row] = (await manager.query(
      `SELECT COALESCE(SUM(points - clawed) FILTER (WHERE status = 'pending'), 0)::text AS pending,
              COALESCE(SUM(remaining) FILTER (WHERE status = 'available' AND expires_at <= $2), 0)::text AS expiring,
              MIN(expires_at) FILTER (WHERE status = 'available' AND remaining > 0) AS next_expiry
         FROM reward_earns WHERE user_id = $1`,
      [userId, expiringBefore],
    )) as Array<{ pending: string; expiring: string; next_expiry: Date | null }>;
    return { pending: BigInt(row.pending), expiringSoon: BigInt(row.expiring), nextExpiry: row.next_expiry };
  }

  async insertActivity(tx: EntityManager, rows: ReadonlyArray<ActivityRecord>): Promise<void> {
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO reward_activity (id, user_id, kind, points, reason, reference, ledger_transaction_id, created_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::uuid[],
                            $8::timestamptz[])`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.userId),
        rows.map((row) => row.kind),
        rows.map((row) => row.points.toString()),
        rows.map((row) => row.reason),
        rows.map((row) => row.reference),
        rows.map((row) => row.ledgerTransactionId),
        rows.map((row) => row.createdAt),
      ],
    );
  }

  async activity(
    manager: EntityManager,
    userId: string,
    limit: number,
    after?: { createdAt: Date; id: string },
  ): Promise<ActivityRecord[]> {
    const rows = (await manager.query(
      `SELECT id, user_id, kind, points::text AS points, reason, reference, ledger_transaction_id, created_at
         FROM reward_activity
        WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [userId, after?.createdAt ?? null, after?.id ?? null, limit],
    )) as Array<{
      id: string;
      user_id: string;
      kind: ActivityKind;
      points: string;
      reason: string;
      reference: string | null;
      ledger_transaction_id: string | null;
      created_at: Date;
    }>;
    return rows.map((row) => ({
      id: row.id,
      userId: row.user_id,
      kind: row.kind,
      points: BigInt(row.points),
      reason: row.reason,
      reference: row.reference,
      ledgerTransactionId: row.ledger_transaction_id,
      createdAt: row.created_at,
    }));
  }

  async catalog(manager: EntityManager): Promise<CatalogItemRecord[]> {
    const rows = (await manager.query(
      `SELECT id, kind, name, description, cost::text AS cost, cashback_currency, cashback_amount::text AS cashback_amount,
              partner, stock, min_level
         FROM reward_catalog_items WHERE active ORDER BY cost, id`,
    )) as Array<{
      id: string;
      kind: CatalogItemRecord['kind'];
      name: string;
      description: string;
      cost: string;
      cashback_currency: string | null;
      cashback_amount: string | null;
      partner: string | null;
      stock: number | null;
      min_level: RewardLevel;
    }>;
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      name: row.name,
      description: row.description,
      cost: BigInt(row.cost),
      cashbackCurrency: row.cashback_currency,
      cashbackAmount: row.cashback_amount === null ? null : BigInt(row.cashback_amount),
      partner: row.partner,
      stock: row.stock,
      minLevel: row.min_level,
    }));
  }

  /** Takes `quantity` of the item's stock (unlimited stock: nothing to take); false when there is not enough. */
  async takeStock(tx: EntityManager, itemId: string, quantity: number): Promise<boolean> {
    const [, affected] = (await tx.query(
      `UPDATE reward_catalog_items SET stock = CASE WHEN stock IS NULL THEN NULL ELSE stock - $2 END
        WHERE id = $1 AND active AND (stock IS NULL OR stock >= $2)`,
      [itemId, quantity],
    )) as [unknown[], number];
    return affected > 0;
  }

  async insertRedemption(
    tx: EntityManager,
    redemption: {
      id: string;
      userId: string;
      itemId: string;
      quantity: number;
      points: bigint;
      cashbackCurrency: string | null;
      cashbackAmount: bigint | null;
      giftCodes: string[];
      ledgerTransactionId: string;
      createdAt: Date;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO reward_redemptions (id, user_id, item_id, quantity, points, cashback_currency, cashback_amount,
         gift_codes, ledger_transaction_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)`,
      [
        redemption.id,
        redemption.userId,
        redemption.itemId,
        redemption.quantity,
        redemption.points.toString(),
        redemption.cashbackCurrency,
        redemption.cashbackAmount?.toString() ?? null,
        JSON.stringify(redemption.giftCodes),
        redemption.ledgerTransactionId,
        redemption.createdAt,
      ],
    );
  }

  /** Adds `by` to the member's counter and returns its new value. */
  async bump(tx: EntityManager, userId: string, counter: RewardCounter, by = 1): Promise<number> {
    const [row] = (await tx.query(
      `INSERT INTO reward_counters (user_id, counter, value) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, counter) DO UPDATE SET value = reward_counters.value + EXCLUDED.value
       RETURNING value::text AS value`,
      [userId, counter, by],
    )) as Array<{ value: string }>;
    return Number(row.value);
  }

  async setCounter(tx: EntityManager, userId: string, counter: RewardCounter, value: number): Promise<void> {
    await tx.query(
      `INSERT INTO reward_counters (user_id, counter, value) VALUES ($1, $2, $3)
       ON CONFLICT (user_id, counter) DO UPDATE SET value = GREATEST(reward_counters.value, EXCLUDED.value)`,
      [userId, counter, value],
    );
  }

  async counters(manager: EntityManager, userId: string): Promise<Map<string, number>> {
    const rows = (await manager.query(
      `SELECT counter, value::text AS value FROM reward_counters WHERE user_id = $1`,
      [userId],
    )) as Array<{ counter: string; value: string }>;
    return new Map(rows.map((row) => [row.counter, Number(row.value)]));
  }

  /** {@link bump} for several (member, counter) pairs in one statement (a pair given twice adds both); answers each pair's new value by `member:counter`. */
  async bumpMany(
    tx: EntityManager,
    bumps: ReadonlyArray<{ userId: string; counter: RewardCounter; by: number }>,
  ): Promise<Map<string, number>> {
    const total = new Map<string, { userId: string; counter: RewardCounter; by: number }>();
    for (const bump of bumps) {
      const key = `${bump.userId}:${bump.counter}`;
      const seen = total.get(key);
      total.set(key, seen ? { ...seen, by: seen.by + bump.by } : bump);
    }
    if (total.size === 0) return new Map();
    const rows = [...total.values()];
    const bumped = (await tx.query(
      `INSERT INTO reward_counters (user_id, counter, value)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[]) ORDER BY 1, 2
       ON CONFLICT (user_id, counter) DO UPDATE SET value = reward_counters.value + EXCLUDED.value
       RETURNING user_id, counter, value::text AS value`,
      [rows.map((b) => b.userId), rows.map((b) => b.counter), rows.map((b) => b.by)],
    )) as Array<{ user_id: string; counter: string; value: string }>;
    return new Map(bumped.map((row) => [`${row.user_id.toLowerCase()}:${row.counter}`, Number(row.value)]));
  }

  /** When each (payer, recipient) pair last paid, for those that ever did, by `payer:recipient`. */
  async lastPayments(
    manager: EntityManager,
    pairs: ReadonlyArray<{ userId: string; recipientId: string }>,
  ): Promise<Map<string, Date>> {
    if (pairs.length === 0) return new Map();
    const rows = (await manager.query(
      `SELECT r.user_id, r.recipient_id, r.last_paid_at FROM reward_recipients r
         JOIN unnest($1::uuid[], $2::uuid[]) AS p(user_id, recipient_id)
           ON r.user_id = p.user_id AND r.recipient_id = p.recipient_id`,
      [pairs.map((p) => p.userId), pairs.map((p) => p.recipientId)],
    )) as Array<{ user_id: string; recipient_id: string; last_paid_at: Date }>;
    return new Map(
      rows.map((row) => [`${row.user_id.toLowerCase()}:${row.recipient_id.toLowerCase()}`, row.last_paid_at]),
    );
  }

  /** Records that each payer paid its recipient, in one statement (each pair once, with its latest time). */
  async notePayments(
    tx: EntityManager,
    payments: ReadonlyArray<{ userId: string; recipientId: string; at: Date }>,
  ): Promise<void> {
    const latest = new Map<string, { userId: string; recipientId: string; at: Date }>();
    for (const payment of payments) {
      const key = `${payment.userId}:${payment.recipientId}`;
      const seen = latest.get(key);
      if (!seen || seen.at < payment.at) latest.set(key, payment);
    }
    if (latest.size === 0) return;
    const rows = [...latest.values()];
    await tx.query(
      `INSERT INTO reward_recipients (user_id, recipient_id, last_paid_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) ORDER BY 1, 2
       ON CONFLICT (user_id, recipient_id)
       DO UPDATE SET last_paid_at = GREATEST(reward_recipients.last_paid_at, EXCLUDED.last_paid_at)`,
      [rows.map((r) => r.userId), rows.map((r) => r.recipientId), rows.map((r) => r.at)],
    );
  }

  /** Unlocks achievements, each once per member, in one statement; answers the new ones as `member:achievement`. */
  async unlockMany(
    tx: EntityManager,
    unlocks: ReadonlyArray<{ userId: string; achievementId: string }>,
    at: Date,
  ): Promise<Set<string>> {
    if (unlocks.length === 0) return new Set();
    const rows = (await tx.query(
      `INSERT INTO reward_achievements (user_id, achievement_id, unlocked_at)
       SELECT u.user_id, u.achievement_id, $3 FROM unnest($1::uuid[], $2::text[]) AS u(user_id, achievement_id)
       ORDER BY 1, 2
       ON CONFLICT (user_id, achievement_id) DO NOTHING RETURNING user_id, achievement_id`,
      [unlocks.map((u) => u.userId), unlocks.map((u) => u.achievementId), at],
    )) as Array<{ user_id: string; achievement_id: string }>;
    return new Set(rows.map((row) => `${row.user_id.toLowerCase()}:${row.achievement_id}`));
  }

  async achievements(manager: EntityManager, userId: string): Promise<Map<string, Date>> {
    const rows = (await manager.query(
      `SELECT achievement_id, unlocked_at FROM reward_achievements WHERE user_id = $1`,
      [userId],
    )) as Array<{ achievement_id: string; unlocked_at: Date }>;
    return new Map(rows.map((row) => [row.achievement_id, row.unlocked_at]));
  }

  async insertReferral(tx: EntityManager, referral: ReferralRecord): Promise<boolean> {
    const rows = (await tx.query(
      `INSERT INTO reward_referrals (id, referrer_id, referred_id, code, status, reason, flagged, signals, created_at, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10)
       ON CONFLICT (referred_id) DO NOTHING RETURNING id`,
      [
        referral.id,
        referral.referrerId,
        referral.referredId,
        referral.code,
        referral.status,
        referral.reason,
        referral.flagged,
        JSON.stringify(referral.signals),
        referral.createdAt,
        referral.decidedAt,
      ],
    )) as unknown[];
    return rows.length > 0;
  }

  async referralOf(tx: EntityManager, referredId: string, lock = false): Promise<ReferralRecord | null> {
    const [row] = (await tx.query(
      `SELECT ${REFERRAL_COLUMNS} FROM reward_referrals WHERE referred_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [referredId],
    )) as ReferralRow[];
    return row ? toReferral(row) : null;
  }

  async setQualification(
    tx: EntityManager,
    referralId: string,
    deposit: { depositId: string; amountUsd: string } | null,
    qualifiesAt: Date | null,
  ): Promise<void> {
    await tx.query(
      `UPDATE reward_referrals SET qualifying_deposit_id = COALESCE($2, qualifying_deposit_id),
              qualifying_amount_usd = COALESCE($3, qualifying_amount_usd), qualifies_at = $4
        WHERE id = $1 AND status = 'pending'`,
      [referralId, deposit?.depositId ?? null, deposit?.amountUsd ?? null, qualifiesAt],
    );
  }

  async dueReferrals(manager: EntityManager, now: Date, limit: number): Promise<ReferralRecord[]> {
    const rows = (await manager.query(
      `SELECT ${REFERRAL_COLUMNS} FROM reward_referrals r
        WHERE r.status = 'pending' AND r.qualifies_at <= $1
          AND EXISTS (SELECT 1 FROM reward_accounts a WHERE a.user_id = r.referred_id AND a.verified_at IS NOT NULL)
        ORDER BY r.qualifies_at, r.id LIMIT $2`,
      [now, limit],
    )) as ReferralRow[];
    return rows.map(toReferral);
  }

  async lockReferral(tx: EntityManager, id: string): Promise<ReferralRecord | null> {
    const [row] = (await tx.query(
      `SELECT ${REFERRAL_COLUMNS} FROM reward_referrals WHERE id = $1 FOR UPDATE`,
      [id],
    )) as ReferralRow[];
    return row ? toReferral(row) : null;
  }

  async decideReferral(
    tx: EntityManager,
    id: string,
    status: 'approved' | 'rejected',
    reason: string | null,
    flagged: boolean,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE reward_referrals SET status = $2, reason = $3, flagged = flagged OR $4, decided_at = $5 WHERE id = $1`,
      [id, status, reason, flagged, at],
    );
  }

  /** Referrals of `referrerId` approved since `since` (the monthly cap). */
  async approvedSince(tx: EntityManager, referrerId: string, since: Date): Promise<number> {
    const [row] = (await tx.query(
      `SELECT COUNT(*)::int AS n FROM reward_referrals WHERE referrer_id = $1 AND status = 'approved' AND decided_at >= $2`,
      [referrerId, since],
    )) as Array<{ n: number }>;
    return row.n;
  }

  async referralsOf(manager: EntityManager, referrerId: string): Promise<ReferralRecord[]> {
    const rows = (await manager.query(
      `SELECT ${REFERRAL_COLUMNS} FROM reward_referrals WHERE referrer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 200`,
      [referrerId],
    )) as ReferralRow[];
    return rows.map(toReferral);
  }

  async flaggedReferrals(manager: EntityManager, limit: number): Promise<ReferralRecord[]> {
    const rows = (await manager.query(
      `SELECT ${REFERRAL_COLUMNS} FROM reward_referrals WHERE flagged ORDER BY created_at DESC, id DESC LIMIT $1`,
      [limit],
    )) as ReferralRow[];
    return rows.map(toReferral);
  }

  /** Per member, the points left in available lots (what the ledger's PTS balance must equal). */
  async availableLots(manager: EntityManager): Promise<Map<string, bigint>> {
    const rows = (await manager.query(
      `SELECT user_id, SUM(remaining)::text AS remaining FROM reward_earns WHERE status = 'available' GROUP BY user_id`,
    )) as Array<{ user_id: string; remaining: string }>;
    return new Map(rows.map((row) => [row.user_id, BigInt(row.remaining)]));
  }

  async totalDebt(manager: EntityManager): Promise<bigint> {
    const [row] = (await manager.query(
      `SELECT COALESCE(SUM(debt), 0)::text AS debt FROM reward_accounts`,
    )) as Array<{
      debt: string;
    }>;
    return BigInt(row.debt);
  }
}
