import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { runWrites, type SqlWrite } from '#monay/shared';
import type { FeeMode } from '../history';
import type { Direction } from './classifier';
import { daysBetween, segmentsOf, type Granularity, type RollupDelta, type RollupFact } from './rollup';

/** One movement as analytics keeps it (a row of analytics_movements). */
export interface AnalyticsFact extends RollupFact {
  lineId: string;
  referenceId: string;
  batchId: string | null;
  type: string;
  kind: string;
  occurredAt: Date;
  usdRate: string;
  note: string | null;
  autoCategory: string;
  autoSubCategory: string;
  autoConfidence: string;
  confidence: string;
  categorySource: 'auto' | 'rule' | 'user';
  ruleId: string | null;
}

/** A movement to store: what the classifier said; the category the user's rules and corrections give is added. */
export type NewFact = Omit<
  AnalyticsFact,
  'category' | 'subCategory' | 'confidence' | 'categorySource' | 'ruleId'
>;

/** A movement whose category changed, with the category it had. */
export interface Recategorised extends AnalyticsFact {
  previous: Pick<AnalyticsFact, 'category' | 'subCategory' | 'confidence' | 'categorySource' | 'ruleId'>;
}

export interface StoredRule {
  id: string;
  userId: string;
  matchMerchant: string | null;
  matchCounterparty: string | null;
  matchNote: string | null;
  category: string;
  subCategory: string;
  createdAt: Date;
  appliedAt: Date | null;
  deletedAt: Date | null;
}

/** Which movements a recategorisation looks at (always one user's). */
export type RecategoriseScope =
  | { lineIds: string[] }
  | { referenceId: string }
  | { ruleId: string }
  /** The movements the rule's match selects, whenever they occurred (`since`: from then on only). */
  | { matching: StoredRule; since?: Date };

export interface PayeePayment {
  userId: string;
  payeeKind: 'merchant' | 'counterparty';
  payee: string;
  currency: string;
  amount: bigint;
  at: Date;
}

/** The columns that make an {@link AnalyticsFact}, of the table aliased `m` (or unqualified: ''). */
function factColumns(m = ''): string {
  const c = (name: string) => (m ? `${m}.${name}` : name);
  return `${c('line_id')} AS line_id, ${c('user_id')} AS user_id, ${c('reference_id')} AS reference_id,
    ${c('batch_id')} AS batch_id, ${c('type')} AS type, ${c('kind')} AS kind, ${c('direction')} AS direction,
    ${c('status')} AS status, ${c('occurred_at')} AS occurred_at,
    to_char(${c('local_day')}, 'YYYY-MM-DD') AS local_day, ${c('currency')} AS currency,
    ${c('amount')}::text AS amount, ${c('fee')}::text AS fee, ${c('fee_mode')} AS fee_mode,
    ${c('usd_rate')} AS usd_rate, ${c('usd_amount')}::text AS usd_amount, ${c('usd_fee')}::text AS usd_fee,
    ${c('counterparty')} AS counterparty, ${c('merchant_name')} AS merchant_name, ${c('note')} AS note,
    ${c('excluded')} AS excluded, ${c('auto_category')} AS auto_category,
    ${c('auto_sub_category')} AS auto_sub_category, ${c('auto_confidence')} AS auto_confidence,
    ${c('category')} AS category, ${c('sub_category')} AS sub_category, ${c('confidence')} AS confidence,
    ${c('category_source')} AS category_source, ${c('rule_id')} AS rule_id`;
}

/** A timestamptz[] as node-postgres gives it (Dates), or as text ('{"2026-01-01 …",…}') where it does not parse it. */
function parseTimestampArray(value: Date[] | string): Date[] {
  if (Array.isArray(value)) return value.map((v) => new Date(v));
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean)
    .map((text) => new Date(text.replace(/^"|"$/g, '')));
}

/** node-postgres through TypeORM answers `[rows, count]` for UPDATE/DELETE … RETURNING, plain rows otherwise. */
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

interface FactRow {
  line_id: string;
  user_id: string;
  reference_id: string;
  batch_id: string | null;
  type: string;
  kind: string;
  direction: Direction;
  status: string;
  occurred_at: Date;
  local_day: string;
  currency: string;
  amount: string;
  fee: string;
  fee_mode: FeeMode;
  usd_rate: string;
  usd_amount: string;
  usd_fee: string;
  counterparty: string | null;
  merchant_name: string | null;
  note: string | null;
  excluded: boolean;
  auto_category: string;
  auto_sub_category: string;
  auto_confidence: string;
  category: string;
  sub_category: string;
  confidence: string;
  category_source: 'auto' | 'rule' | 'user';
  rule_id: string | null;
}

function toFact(row: FactRow): AnalyticsFact {
  return {
    lineId: row.line_id,
    userId: row.user_id,
    referenceId: row.reference_id,
    batchId: row.batch_id,
    type: row.type,
    kind: row.kind,
    direction: row.direction,
    status: row.status,
    occurredAt: new Date(row.occurred_at),
    localDay: row.local_day,
    currency: row.currency,
    amount: BigInt(row.amount),
    fee: BigInt(row.fee),
    feeMode: row.fee_mode,
    usdRate: row.usd_rate,
    usdAmount: BigInt(row.usd_amount),
    usdFee: BigInt(row.usd_fee),
    counterparty: row.counterparty,
    merchant: row.merchant_name,
    note: row.note,
    excluded: row.excluded,
    autoCategory: row.auto_category,
    autoSubCategory: row.auto_sub_category,
    autoConfidence: row.auto_confidence,
    category: row.category,
    subCategory: row.sub_category,
    confidence: row.confidence,
    categorySource: row.category_source,
    ruleId: row.rule_id,
  };
}

interface RuleRow {
  id: string;
  user_id: string;
  match_merchant: string | null;
  match_counterparty: string | null;
  match_note: string | null;
  category: string;
  sub_category: string;
  created_at: Date;
  applied_at: Date | null;
  deleted_at: Date | null;
}

function toRule(row: RuleRow): StoredRule {
  return {
    id: row.id,
    userId: row.user_id,
    matchMerchant: row.match_merchant,
    matchCounterparty: row.match_counterparty,
    matchNote: row.match_note,
    category: row.category,
    subCategory: row.sub_category,
    createdAt: row.created_at,
    appliedAt: row.applied_at,
    deletedAt: row.deleted_at,
  };
}

/**
 * The one statement of which category a movement (row alias `m`) has: the user's correction of it, else the
 * newest of the user's live rules that matches it and covers it (the movement occurred after the rule was made,
 * or the rule was applied to the past), else what the classifier said. Own-asset swaps and fees are never
 * recategorised. `hypothetical`: a rule id treated as applied to the past (a rule's preview).
 *
 * A rule matches when each of its conditions holds: the merchant's name (case-insensitive, or its first words),
 * the counterparty, a piece of the note (case-insensitive). Rule and correction texts are stored lower-cased.
 */
function effectiveCategorySql(m: string, hypothetical?: string): string {
  const covered = hypothetical
    ? `(r.applied_at IS NOT NULL OR ${m}.occurred_at >= r.created_at OR r.id = ${hypothetical})`
    : `(r.applied_at IS NOT NULL OR ${m}.occurred_at >= r.created_at)`;
  return `
    LEFT JOIN analytics_corrections c
      ON c.user_id = ${m}.user_id AND c.reference_id = ${m}.reference_id
     AND NOT ${m}.excluded AND ${m}.kind <> 'fee'
    LEFT JOIN LATERAL (
      SELECT r.id, r.category, r.sub_category FROM analytics_rules r
       WHERE r.user_id = ${m}.user_id AND r.deleted_at IS NULL AND ${covered}
         AND (r.match_merchant IS NULL OR lower(${m}.merchant_name) = r.match_merchant
              OR starts_with(lower(${m}.merchant_name), r.match_merchant || ' '))
         AND (r.match_counterparty IS NULL OR ${m}.counterparty = r.match_counterparty)
         AND (r.match_note IS NULL OR strpos(lower(${m}.note), r.match_note) > 0)
       ORDER BY r.created_at DESC, r.id DESC
       LIMIT 1
    ) r ON NOT ${m}.excluded AND ${m}.kind <> 'fee'
    CROSS JOIN LATERAL (
      SELECT
        CASE WHEN c.user_id IS NOT NULL THEN c.category WHEN r.id IS NOT NULL THEN r.category
             ELSE ${m}.auto_category END AS category,
        CASE WHEN c.user_id IS NOT NULL THEN c.sub_category WHEN r.id IS NOT NULL THEN r.sub_category
             ELSE ${m}.auto_sub_category END AS sub_category,
        CASE WHEN c.user_id IS NOT NULL OR r.id IS NOT NULL THEN 'VERY_HIGH'
             ELSE ${m}.auto_confidence END AS confidence,
        CASE WHEN c.user_id IS NOT NULL THEN 'user' WHEN r.id IS NOT NULL THEN 'rule' ELSE 'auto' END
          AS category_source,
        CASE WHEN c.user_id IS NULL THEN r.id END AS rule_id
    ) e`;
}

/** The SQL condition and parameters selecting the movements of a scope (parameters from `$2` on). */
function scopeSql(scope: RecategoriseScope, values: unknown[]): string {
  const param = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  if ('lineIds' in scope) return `m.line_id = ANY(${param(scope.lineIds)}::text[])`;
  if ('referenceId' in scope) return `m.reference_id = ${param(scope.referenceId)}`;
  if ('ruleId' in scope) return `m.rule_id = ${param(scope.ruleId)}::uuid`;
  const rule = scope.matching;
  const conditions = ['NOT m.excluded', `m.kind <> 'fee'`];
  if (rule.matchMerchant !== null) {
    const merchant = param(rule.matchMerchant);
    conditions.push(
      `(lower(m.merchant_name) = ${merchant} OR starts_with(lower(m.merchant_name), ${merchant} || ' '))`,
    );
  }
  if (rule.matchCounterparty !== null) conditions.push(`m.counterparty = ${param(rule.matchCounterparty)}`);
  if (rule.matchNote !== null) conditions.push(`strpos(lower(m.note), ${param(rule.matchNote)}) > 0`);
  if (scope.since) conditions.push(`m.occurred_at >= ${param(scope.since)}`);
  return conditions.join(' AND ');
}

const CATEGORY_CHANGED = `(e.category, e.sub_category, e.confidence, e.category_source, e.rule_id)
  IS DISTINCT FROM (m.category, m.sub_category, m.confidence, m.category_source, m.rule_id)`;

/** The columns of the daily rollup a sum may be grouped by. */
export type RollupDimension =
  'direction' | 'excluded' | 'category' | 'sub_category' | 'merchant' | 'counterparty' | 'currency';

/** One group of a sum over the daily rollup: its bucket (a period's start, or a range's index) and dimensions. */
export interface RollupSum {
  bucket: string;
  dims: Partial<Record<RollupDimension, string>>;
  /** USD cents. */
  usd: bigint;
  /** Minor units of the group's currency (meaningful when grouped by currency). */
  amount: bigint;
  count: number;
}

export interface RollupQuery {
  /** Sum per period of this granularity over [from, to], or per range (bucket = the range's index). */
  buckets:
    { granularity: Granularity; from: string; to: string } | { ranges: Array<{ from: string; to: string }> };
  direction?: Direction;
  /** Own-asset movements: left out (false, the default), only them (true), or both (null). */
  excluded?: boolean | null;
  by: RollupDimension[];
  /** Only these categories. */
  categories?: string[];
}

/** The advisory lock key of the analytics projection ("analytic" in ASCII). */
const ANALYTICS_LOCK = 0x616e616c79746963n.toString();

const RANGE_EPOCH = '1970-01-01';

/** The rollup tables, each with the column naming its period (a day, a week's Monday, a month's 1st). */
const ROLLUPS: Record<Granularity, { table: string; period: string }> = {
  day: { table: 'analytics_daily', period: 'day' },
  week: { table: 'analytics_weekly', period: 'week' },
  month: { table: 'analytics_monthly', period: 'month' },
};

/** The period of `granularity` a rollup row falls in, as a date (formatted once per group, after grouping). */
function periodSql(column: string, granularity: Granularity): string {
  if (granularity === 'day' || column === granularity) return column;
  return `date_trunc('${granularity}', ${column}::timestamp)::date`;
}

/** Analytics' tables (libs/insights/src/analytics): SQL only here. */
@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get reader(): EntityManager {
    return this.dataSource.manager;
  }

  // ---- users: time zone and the per-user lock ----------------------------------------------------------

  /** The projection's batches one at a time across relays: a transaction-scoped advisory lock (key: "analytics"). */
  async serialise(tx: EntityManager): Promise<void> {
    await tx.query(`SELECT pg_advisory_xact_lock(${ANALYTICS_LOCK})`);
  }

  /**
   * The users' time zones, each user's row locked until the transaction ends (`share`: writers of movements;
   * `update`: whoever recategorises or re-buckets). A user analytics has not seen yet gets a row (UTC).
   */
  async lockUsers(
    tx: EntityManager,
    userIds: string[],
    mode: 'share' | 'update',
  ): Promise<Map<string, string>> {
    const ids = [...new Set(userIds)].sort();
    const lock = mode === 'share' ? 'FOR SHARE' : 'FOR UPDATE';
    const read = async () =>
      (await tx.query(
        `SELECT user_id, timezone FROM analytics_users WHERE user_id = ANY($1::uuid[]) ORDER BY user_id ${lock}`,
        [ids],
      )) as Array<{ user_id: string; timezone: string }>;
    let rows = await read();
    if (rows.length < ids.length) {
      await tx.query(
        `INSERT INTO analytics_users (user_id) SELECT unnest($1::uuid[]) ON CONFLICT (user_id) DO NOTHING`,
        [ids],
      );
      rows = await read();
    }
    return new Map(rows.map((row) => [row.user_id, row.timezone]));
  }

  async setTimeZone(tx: EntityManager, userId: string, timezone: string): Promise<void> {
    await tx.query(`UPDATE analytics_users SET timezone = $2 WHERE user_id = $1`, [userId, timezone]);
  }

  async timeZoneOf(userId: string): Promise<string> {
    const rows = (await this.dataSource.query(`SELECT timezone FROM analytics_users WHERE user_id = $1`, [
      userId,
    ])) as Array<{ timezone: string }>;
    return rows[0]?.timezone ?? 'UTC';
  }

  // ---- movements ---------------------------------------------------------------------------------------

  /**
   * Inserts new movements (with the category the user's corrections and rules give them), or moves a stored one
   * on (processing → completed | failed: status, amounts) unless it is already final. Returns the rows inserted
   * or changed, as stored now: one whose status is `completed` has just become so.
   */
  async upsertFacts(tx: EntityManager, facts: readonly NewFact[]): Promise<AnalyticsFact[]> {
    if (facts.length === 0) return [];
    const column = <T>(pick: (fact: NewFact) => T) => facts.map(pick);
    const rows = (await tx.query(
      `INSERT INTO analytics_movements AS existing (line_id, user_id, reference_id, batch_id, type, kind, direction,
              status, occurred_at, local_day, currency, amount, fee, fee_mode, usd_rate, usd_amount, usd_fee,
              counterparty, merchant_name, note, excluded, auto_category, auto_sub_category, auto_confidence,
              category, sub_category, confidence, category_source, rule_id)
       SELECT m.line_id, m.user_id, m.reference_id, m.batch_id, m.type, m.kind, m.direction, m.status,
              m.occurred_at, m.local_day, m.currency, m.amount, m.fee, m.fee_mode, m.usd_rate, m.usd_amount,
              m.usd_fee, m.counterparty, m.merchant_name, m.note, m.excluded, m.auto_category,
              m.auto_sub_category, m.auto_confidence, e.category, e.sub_category, e.confidence,
              e.category_source, e.rule_id
         FROM unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[],
                     $8::text[], $9::timestamptz[], $10::date[], $11::text[], $12::bigint[], $13::bigint[],
                     $14::text[], $15::text[], $16::bigint[], $17::bigint[], $18::text[], $19::text[],
                     $20::text[], $21::boolean[], $22::text[], $23::text[], $24::text[])
              AS m(line_id, user_id, reference_id, batch_id, type, kind, direction, status, occurred_at,
                   local_day, currency, amount, fee, fee_mode, usd_rate, usd_amount, usd_fee, counterparty,
                   merchant_name, note, excluded, auto_category, auto_sub_category, auto_confidence)
         ${effectiveCategorySql('m')}
       ON CONFLICT (line_id) DO UPDATE
          SET status = EXCLUDED.status, amount = EXCLUDED.amount, fee = EXCLUDED.fee,
              usd_amount = EXCLUDED.usd_amount, usd_fee = EXCLUDED.usd_fee
        WHERE existing.status NOT IN ('completed', 'failed')
       RETURNING ${factColumns('existing')}`,
      [
        column((f) => f.lineId),
        column((f) => f.userId),
        column((f) => f.referenceId),
        column((f) => f.batchId),
        column((f) => f.type),
        column((f) => f.kind),
        column((f) => f.direction),
        column((f) => f.status),
        column((f) => f.occurredAt),
        column((f) => f.localDay),
        column((f) => f.currency),
        column((f) => f.amount.toString()),
        column((f) => f.fee.toString()),
        column((f) => f.feeMode),
        column((f) => f.usdRate),
        column((f) => f.usdAmount.toString()),
        column((f) => f.usdFee.toString()),
        column((f) => f.counterparty),
        column((f) => f.merchant),
        column((f) => f.note),
        column((f) => f.excluded),
        column((f) => f.autoCategory),
        column((f) => f.autoSubCategory),
        column((f) => f.autoConfidence),
      ],
    )) as FactRow[];
    return rows.map(toFact);
  }

  /** The stored movements among `lineIds` (when each first occurred, and where they stand). */
  async factsByLine(
    tx: EntityManager,
    lineIds: string[],
  ): Promise<Map<string, { occurredAt: Date; localDay: string; status: string }>> {
    if (lineIds.length === 0) return new Map();
    const rows = (await tx.query(
      `SELECT line_id, occurred_at, to_char(local_day, 'YYYY-MM-DD') AS local_day, status
         FROM analytics_movements WHERE line_id = ANY($1::text[])`,
      [lineIds],
    )) as Array<{ line_id: string; occurred_at: Date; local_day: string; status: string }>;
    return new Map(
      rows.map((row) => [
        row.line_id,
        { occurredAt: new Date(row.occurred_at), localDay: row.local_day, status: row.status },
      ]),
    );
  }

  /** The user's movements of one reference (what history lists as one transaction). */
  async factsOfReference(
    manager: EntityManager,
    userId: string,
    referenceId: string,
  ): Promise<AnalyticsFact[]> {
    const rows = (await manager.query(
      `SELECT ${factColumns()} FROM analytics_movements WHERE user_id = $1 AND reference_id = $2 ORDER BY line_id`,
      [userId, referenceId],
    )) as FactRow[];
    return rows.map(toFact);
  }

  /**
   * Brings the category of the scope's movements to what corrections and rules say now, and returns those that
   * changed with what they had (the caller moves their amounts between rollup rows).
   */
  async recategorise(tx: EntityManager, userId: string, scope: RecategoriseScope): Promise<Recategorised[]> {
    const values: unknown[] = [userId];
    const where = scopeSql(scope, values);
    const rows = (await tx
      .query(
        `WITH target AS (
         SELECT m.line_id, m.category AS old_category, m.sub_category AS old_sub_category,
                m.confidence AS old_confidence, m.category_source AS old_category_source, m.rule_id AS old_rule_id,
                e.category AS new_category, e.sub_category AS new_sub_category, e.confidence AS new_confidence,
                e.category_source AS new_category_source, e.rule_id AS new_rule_id
           FROM analytics_movements m
           ${effectiveCategorySql('m')}
          WHERE m.user_id = $1 AND ${where} AND ${CATEGORY_CHANGED}
       )
       UPDATE analytics_movements m
          SET category = t.new_category, sub_category = t.new_sub_category, confidence = t.new_confidence,
              category_source = t.new_category_source, rule_id = t.new_rule_id
         FROM target t
        WHERE m.line_id = t.line_id
       RETURNING ${factColumns('m')}, t.old_category, t.old_sub_category,
                 t.old_confidence, t.old_category_source, t.old_rule_id`,
        values,
      )
      .then((result: unknown) => rowsOf(result))) as Array<
      FactRow & {
        old_category: string;
        old_sub_category: string;
        old_confidence: string;
        old_category_source: 'auto' | 'rule' | 'user';
        old_rule_id: string | null;
      }
    >;
    return rows.map((row) => ({
      ...toFact(row),
      previous: {
        category: row.old_category,
        subCategory: row.old_sub_category,
        confidence: row.old_confidence,
        categorySource: row.old_category_source,
        ruleId: row.old_rule_id,
      },
    }));
  }

  /**
   * What applying `rule` to the past would change, without changing it: how many movements, their USD total
   * (completed ones), and the latest `limit` of them.
   */
  async previewRule(
    userId: string,
    rule: StoredRule,
    limit: number,
  ): Promise<{ total: number; usdTotal: bigint; changes: Recategorised[] }> {
    const values: unknown[] = [userId, rule.id];
    const where = scopeSql({ matching: rule }, values);
    values.push(limit);
    const rows = (await this.dataSource.query(
      `SELECT ${factColumns('m')},
              e.category AS new_category, e.sub_category AS new_sub_category, e.confidence AS new_confidence,
              e.category_source AS new_category_source, e.rule_id AS new_rule_id,
              count(*) OVER () AS total,
              (sum(CASE WHEN m.status = 'completed' THEN m.usd_amount ELSE 0 END) OVER ())::text AS usd_total
         FROM analytics_movements m
         ${effectiveCategorySql('m', '$2::uuid')}
        WHERE m.user_id = $1 AND ${where} AND ${CATEGORY_CHANGED}
        ORDER BY m.occurred_at DESC, m.line_id DESC
        LIMIT $${values.length}`,
      values,
    )) as Array<
      FactRow & {
        new_category: string;
        new_sub_category: string;
        new_confidence: string;
        new_category_source: 'auto' | 'rule' | 'user';
        new_rule_id: string | null;
        total: string;
        usd_total: string;
      }
    >;
    return {
      total: Number(rows[0]?.total ?? 0),
      usdTotal: BigInt(rows[0]?.usd_total ?? '0'),
      changes: rows.map((row) => {
        const fact = toFact(row);
        return {
          ...fact,
          category: row.new_category,
          subCategory: row.new_sub_category,
          confidence: row.new_confidence,
          categorySource: row.new_category_source,
          ruleId: row.new_rule_id,
          previous: {
            category: fact.category,
            subCategory: fact.subCategory,
            confidence: fact.confidence,
            categorySource: fact.categorySource,
            ruleId: fact.ruleId,
          },
        };
      }),
    };
  }

  /**
   * How many of the user's movements a new rule applied to the past would recategorise: those it matches that
   * have no correction (a new rule is the newest, so it would win over every other rule) and another category.
   */
  async countRecategorisable(userId: string, rule: StoredRule): Promise<number> {
    const values: unknown[] = [userId];
    const where = scopeSql({ matching: rule }, values);
    values.push(rule.category, rule.subCategory);
    const n = values.length;
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM analytics_movements m
        WHERE m.user_id = $1 AND ${where}
          AND (m.category, m.sub_category) IS DISTINCT FROM ($${n - 1}, $${n})
          AND NOT EXISTS (SELECT 1 FROM analytics_corrections c
                           WHERE c.user_id = m.user_id AND c.reference_id = m.reference_id)`,
      values,
    )) as Array<{ count: number }>;
    return row.count;
  }

  /**
   * The user's movements, `batch` at a time in (local day, time, line) order, from `after` on: a keyset walk,
   * one short query per batch, so that neither a year of history nor a transaction is held in memory.
   */
  async factsPage(
    manager: EntityManager,
    userId: string,
    range: { from: string; to: string } | null,
    after: { localDay: string; occurredAt: Date; lineId: string } | null,
    batch: number,
  ): Promise<AnalyticsFact[]> {
    const values: unknown[] = [userId];
    const conditions = ['user_id = $1'];
    if (range) {
      values.push(range.from, range.to);
      conditions.push(`local_day BETWEEN $2::date AND $3::date`);
    }
    if (after) {
      values.push(after.localDay, after.occurredAt, after.lineId);
      const n = values.length;
      conditions.push(`(local_day, occurred_at, line_id) > ($${n - 2}::date, $${n - 1}::timestamptz, $${n})`);
    }
    values.push(batch);
    const rows = (await manager.query(
      `SELECT ${factColumns()} FROM analytics_movements WHERE ${conditions.join(' AND ')}
        ORDER BY local_day, occurred_at, line_id LIMIT $${values.length}`,
      values,
    )) as FactRow[];
    return rows.map(toFact);
  }

  /** Sets the local day of the user's movements (after their time zone changed). */
  async setLocalDays(tx: EntityManager, days: Array<{ lineId: string; localDay: string }>): Promise<void> {
    if (days.length === 0) return;
    await tx.query(
      `UPDATE analytics_movements m SET local_day = d.local_day
         FROM unnest($1::text[], $2::date[]) AS d(line_id, local_day)
        WHERE m.line_id = d.line_id AND m.local_day <> d.local_day`,
      [days.map((d) => d.lineId), days.map((d) => d.localDay)],
    );
  }

  // ---- the daily rollup --------------------------------------------------------------------------------

  /**
   * Sums of the user's daily rollup, per bucket and the asked dimensions: what every analytics view answers from
   * (the primary key's (user_id, day) prefix serves the range).
   */
  async sums(userId: string, query: RollupQuery): Promise<RollupSum[]> {
    const values: unknown[] = [userId];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    const filters: string[] = [];
    if (query.direction) filters.push(`direction = ${param(query.direction)}`);
    const excluded = query.excluded === undefined ? false : query.excluded;
    if (excluded !== null) filters.push(excluded ? 'excluded' : 'NOT excluded');
    if (query.categories) filters.push(`category = ANY(${param(query.categories)}::text[])`);
    const dims = query.by.map((dim) => (dim === 'excluded' ? `excluded::text AS excluded` : dim));
    const select = (source: Granularity, bucket: string, from: string, to: string) => {
      const { table, period } = ROLLUPS[source];
      return `SELECT ${bucket} AS bucket${dims.map((d) => `, ${d}`).join('')}, usd_amount, amount, count
         FROM ${table}
        WHERE user_id = $1 AND ${period} BETWEEN ${from}::date AND ${to}::date${filters
          .map((f) => ` AND ${f}`)
          .join('')}`;
    };
    const parts: string[] = [];
    // Each range is read from the coarsest rollups that cover it exactly (whole months, whole weeks, days).
    const add = (
      bucketOf: (source: Granularity) => string,
      from: string,
      to: string,
      coarsest: Granularity,
    ) => {
      for (const segment of segmentsOf(from, to, coarsest)) {
        parts.push(select(segment.source, bucketOf(segment.source), param(segment.from), param(segment.to)));
      }
    };
    if ('granularity' in query.buckets) {
      const { granularity, from, to } = query.buckets;
      add((source) => periodSql(ROLLUPS[source].period, granularity), from, to, granularity);
    } else {
      query.buckets.ranges.forEach((range, index) =>
        add(() => `('${RANGE_EPOCH}'::date + ${index})`, range.from, range.to, 'month'),
      );
    }
    if (parts.length === 0) return [];
    const groups = ['bucket', ...query.by];
    const rows = (await this.read(
      `SELECT to_char(bucket, 'YYYY-MM-DD') AS bucket${query.by.map((dim) => `, ${dim}`).join('')},
              sum(usd_amount)::text AS usd, sum(amount)::text AS amount, sum(count)::int AS count
         FROM (${parts.join('\n UNION ALL\n')}) AS r
        GROUP BY ${groups.join(', ')}`,
      values,
    )) as Array<Record<string, string> & { bucket: string; usd: string; amount: string; count: number }>;
    // A range's bucket is its index, carried through SQL as the date `index` days after RANGE_EPOCH (so that
    // the bucket column is a date in every part of the union).
    const ranges = !('granularity' in query.buckets);
    return rows.map((row) => ({
      bucket: ranges ? String(daysBetween(RANGE_EPOCH, row.bucket)) : row.bucket,
      dims: Object.fromEntries(query.by.map((dim) => [dim, row[dim]])),
      usd: BigInt(row.usd),
      amount: BigInt(row.amount),
      count: Number(row.count),
    }));
  }

  /**
   * A read of the rollups without parallel workers: PostgreSQL would plan a union of a few small index scans as a
   * parallel append, and starting the workers costs far more (tens of milliseconds) than the scans.
   */
  private read(sql: string, values: unknown[]): Promise<unknown> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      return tx.query(sql, values);
    });
  }

  /** The user's repeated payments (three or more of one amount to one payee), latest at or after `since`. */
  async repeatedPayments(
    userId: string,
    since: Date,
  ): Promise<
    Array<{
      payeeKind: 'merchant' | 'counterparty';
      payee: string;
      currency: string;
      amount: bigint;
      occurrences: number;
      recent: Date[];
    }>
  > {
    const rows = (await this.dataSource.query(
      `SELECT payee_kind, payee, currency, amount::text AS amount, occurrences, recent
         FROM analytics_payees WHERE user_id = $1 AND occurrences >= 3 AND last_at >= $2
        ORDER BY last_at DESC LIMIT 200`,
      [userId, since],
    )) as Array<{
      payee_kind: 'merchant' | 'counterparty';
      payee: string;
      currency: string;
      amount: string;
      occurrences: number;
      recent: Date[] | string;
    }>;
    return rows.map((row) => ({
      payeeKind: row.payee_kind,
      payee: row.payee,
      currency: row.currency,
      amount: BigInt(row.amount),
      occurrences: Number(row.occurrences),
      recent: parseTimestampArray(row.recent),
    }));
  }

  /**
   * Adds merged changes (per period of the rollup: {@link rollupOf}) to the rollup of `granularity`; rows left
   * with nothing in them (after a recategorisation took a movement out) are removed.
   */
  async addToRollup(
    tx: EntityManager,
    granularity: Granularity,
    deltas: readonly RollupDelta[],
  ): Promise<void> {
    if (deltas.length === 0) return;
    const { table, period } = ROLLUPS[granularity];
    const columns = `user_id, ${period}, direction, excluded, category, sub_category, merchant, counterparty, currency`;
    await runWrites(tx, [this.rollupWrite(granularity, deltas)]);
    if (deltas.some((d) => d.count < 0)) {
      await tx.query(
        `DELETE FROM ${table} r
          USING unnest($1::uuid[], $2::date[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[],
                       $8::text[], $9::text[]) AS k(${columns})
          WHERE (${columns
            .split(', ')
            .map((c) => `r.${c}`)
            .join(', ')}) = (${columns
            .split(', ')
            .map((c) => `k.${c}`)
            .join(', ')})
            AND r.count = 0`,
        rollupKey(deltas),
      );
    }
  }

  /**
   * {@link addToRollup}'s additions, not run (for a caller that carries them in one statement with other writes):
   * only for changes that add, since rows left empty are not removed.
   */
  rollupWrite(granularity: Granularity, deltas: readonly RollupDelta[]): SqlWrite {
    const { table, period } = ROLLUPS[granularity];
    const columns = `user_id, ${period}, direction, excluded, category, sub_category, merchant, counterparty, currency`;
    return {
      sql: `INSERT INTO ${table} AS r (${columns}, amount, usd_amount, count)
       SELECT * FROM unnest($1::uuid[], $2::date[], $3::text[], $4::boolean[], $5::text[], $6::text[], $7::text[],
                            $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::int[])
       ON CONFLICT (${columns})
       DO UPDATE SET amount = r.amount + EXCLUDED.amount, usd_amount = r.usd_amount + EXCLUDED.usd_amount,
                     count = r.count + EXCLUDED.count`,
      params: [
        ...rollupKey(deltas),
        deltas.map((d) => d.amount.toString()),
        deltas.map((d) => d.usdAmount.toString()),
        deltas.map((d) => d.count),
      ],
    };
  }

  /** Empties the user's rollups (daily, weekly and monthly), for a re-bucketing. */
  async clearRollups(tx: EntityManager, userId: string): Promise<void> {
    for (const { table } of Object.values(ROLLUPS)) {
      await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [userId]);
    }
  }

  // ---- payees (recurring payments) ---------------------------------------------------------------------

  /** Counts payments per payee and amount, keeping the latest twelve times of each (one statement). */
  async addPayeePayments(tx: EntityManager, payments: readonly PayeePayment[]): Promise<void> {
    const write = this.payeePaymentsWrite(payments);
    if (write) await runWrites(tx, [write]);
  }

  /** {@link addPayeePayments}'s statement, not run (null when there are none). */
  payeePaymentsWrite(payments: readonly PayeePayment[]): SqlWrite | null {
    if (payments.length === 0) return null;
    const merged = new Map<string, PayeePayment & { times: Date[] }>();
    for (const p of payments) {
      const key = [p.userId, p.payeeKind, p.payee, p.currency, p.amount].join('\u0000');
      const existing = merged.get(key);
      if (existing) existing.times.push(p.at);
      else merged.set(key, { ...p, times: [p.at] });
    }
    const rows = [...merged.values()];
    return {
      sql: `INSERT INTO analytics_payees AS p (user_id, payee_kind, payee, currency, amount, occurrences, last_at, recent)
       SELECT x.user_id, x.payee_kind, x.payee, x.currency, x.amount, x.occurrences, x.last_at,
              ARRAY(SELECT t FROM unnest(x.recent::timestamptz[]) AS t ORDER BY t DESC LIMIT 12)
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[], $7::timestamptz[],
                     $8::text[]) AS x(user_id, payee_kind, payee, currency, amount, occurrences, last_at, recent)
       ON CONFLICT (user_id, payee_kind, payee, currency, amount) DO UPDATE
          SET occurrences = p.occurrences + EXCLUDED.occurrences,
              last_at = GREATEST(p.last_at, EXCLUDED.last_at),
              recent = ARRAY(SELECT t FROM unnest(p.recent || EXCLUDED.recent) AS t ORDER BY t DESC LIMIT 12)`,
      params: [
        rows.map((r) => r.userId),
        rows.map((r) => r.payeeKind),
        rows.map((r) => r.payee),
        rows.map((r) => r.currency),
        rows.map((r) => r.amount.toString()),
        rows.map((r) => r.times.length),
        rows.map((r) => new Date(Math.max(...r.times.map((t) => t.getTime())))),
        rows.map((r) => `{${r.times.map((t) => `"${t.toISOString()}"`).join(',')}}`),
      ],
    };
  }

  // ---- rules and corrections (user data) ---------------------------------------------------------------

  async insertRule(
    tx: EntityManager,
    rule: Omit<StoredRule, 'createdAt' | 'appliedAt' | 'deletedAt'>,
  ): Promise<StoredRule> {
    const rows = (await tx.query(
      `INSERT INTO analytics_rules (id, user_id, match_merchant, match_counterparty, match_note, category, sub_category)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [
        rule.id,
        rule.userId,
        rule.matchMerchant,
        rule.matchCounterparty,
        rule.matchNote,
        rule.category,
        rule.subCategory,
      ],
    )) as RuleRow[];
    return toRule(rows[0]);
  }

  async rule(manager: EntityManager, userId: string, ruleId: string): Promise<StoredRule | null> {
    const rows = (await manager.query(`SELECT * FROM analytics_rules WHERE id = $1 AND user_id = $2`, [
      ruleId,
      userId,
    ])) as RuleRow[];
    return rows[0] ? toRule(rows[0]) : null;
  }

  async liveRules(userId: string): Promise<StoredRule[]> {
    const rows = (await this.dataSource.query(
      `SELECT * FROM analytics_rules WHERE user_id = $1 AND deleted_at IS NULL ORDER BY created_at DESC, id DESC`,
      [userId],
    )) as RuleRow[];
    return rows.map(toRule);
  }

  async countLiveRules(tx: EntityManager, userId: string): Promise<number> {
    const [row] = (await tx.query(
      `SELECT count(*)::int AS count FROM analytics_rules WHERE user_id = $1 AND deleted_at IS NULL`,
      [userId],
    )) as Array<{ count: number }>;
    return row.count;
  }

  async markRuleApplied(tx: EntityManager, ruleId: string): Promise<StoredRule> {
    const rows = rowsOf<RuleRow>(
      await tx.query(
        `UPDATE analytics_rules SET applied_at = COALESCE(applied_at, now()) WHERE id = $1 RETURNING *`,
        [ruleId],
      ),
    );
    return toRule(rows[0]);
  }

  async markRuleDeleted(tx: EntityManager, ruleId: string): Promise<StoredRule> {
    const rows = rowsOf<RuleRow>(
      await tx.query(
        `UPDATE analytics_rules SET deleted_at = COALESCE(deleted_at, now()) WHERE id = $1 RETURNING *`,
        [ruleId],
      ),
    );
    return toRule(rows[0]);
  }

  async setCorrection(
    tx: EntityManager,
    userId: string,
    referenceId: string,
    category: { category: string; subCategory: string } | null,
  ): Promise<void> {
    if (category === null) {
      await tx.query(`DELETE FROM analytics_corrections WHERE user_id = $1 AND reference_id = $2`, [
        userId,
        referenceId,
      ]);
      return;
    }
    await tx.query(
      `INSERT INTO analytics_corrections (user_id, reference_id, category, sub_category) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, reference_id) DO UPDATE
          SET category = EXCLUDED.category, sub_category = EXCLUDED.sub_category, corrected_at = now()`,
      [userId, referenceId, category.category, category.subCategory],
    );
  }

  // ---- rebuild -----------------------------------------------------------------------------------------

  /** Empties analytics' projection state (not the rules, corrections or prices), for a rebuild. */
  async reset(tx: EntityManager): Promise<void> {
    for (const { table } of Object.values(ROLLUPS)) await tx.query(`DELETE FROM ${table}`);
    await tx.query(`DELETE FROM analytics_payees`);
    await tx.query(`DELETE FROM analytics_movements`);
    await tx.query(`DELETE FROM analytics_users`);
  }
}

/** The rollup key columns of `deltas`, as the parameter arrays of the rollup statements ($1–$9). */
function rollupKey(deltas: readonly RollupDelta[]): unknown[] {
  return [
    deltas.map((d) => d.userId),
    deltas.map((d) => d.day),
    deltas.map((d) => d.direction),
    deltas.map((d) => d.excluded),
    deltas.map((d) => d.category),
    deltas.map((d) => d.subCategory),
    deltas.map((d) => d.merchant),
    deltas.map((d) => d.counterparty),
    deltas.map((d) => d.currency),
  ];
}
