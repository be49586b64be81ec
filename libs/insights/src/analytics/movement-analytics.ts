import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { localDate } from '#monay/kernel';
import { runWrites, type SqlWrite } from '#monay/shared';
import type { FeeCharge, HistoryLine, MovementView } from '../history';
import { minor } from '../history';
import {
  AnalyticsRepository,
  type AnalyticsFact,
  type NewFact,
  type PayeePayment,
  type Recategorised,
} from './analytics.repository';
import { classify, classifyFee, type Classification } from './classifier';
import { ReferencePriceBook, utcDay } from './reference-prices';
import { contributionsOf, mergeDeltas, negated, rollupOf, usdCents, type RollupDelta } from './rollup';

const REBUCKET_BATCH = 5_000;

interface Item {
  line: HistoryLine | FeeCharge;
  classification: Classification;
  occurredAt: Date;
}

const idOf = (line: HistoryLine | FeeCharge) => ('lineId' in line ? line.lineId : line.chargeId);
const ROLLUP_CHUNK = 5_000;

/**
 * The write side of analytics, inside the caller's transaction: a movement's lines become classified, USD-valued
 * facts and daily rollup rows (the projection); a recategorisation moves amounts between rollup rows exactly; a
 * time zone change re-buckets a user's days. Every writer locks the user's analytics row first.
 */
@Injectable()
export class MovementAnalytics {
  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly prices: ReferencePriceBook,
  ) {}

  /**
   * Serialises the projection's batches across relays (a transaction-scoped advisory lock, released at commit):
   * two batches touching the same users' rollup rows in different orders would otherwise deadlock.
   */
  serialise(tx: EntityManager): Promise<void> {
    return this.repository.serialise(tx);
  }

  /**
   * What money movement events add, in journal order: their lines (and fees charged outside them), each at its
   * event's time. A batch is written in a few statements; a line that appears more than once in it (requested,
   * then completed) is written once per appearance, in order.
   */
  async recordAll(
    tx: EntityManager,
    movements: ReadonlyArray<{ view: MovementView; occurredAt: Date }>,
  ): Promise<void> {
    const items: Item[] = movements.flatMap(({ view, occurredAt }) => [
      // A line with a negative amount is a hand-made correction (an operator's adjustment written as a legacy
      // in-house credit), not spending or income: history shows it, analytics does not count it. Counting it
      // would break the facts' non-negative amounts and stop every projection behind this event.
      ...view.lines
        .filter((line) => minor(line.amount, line.currency) >= 0n)
        .map((line) => ({ line, classification: classify(line), occurredAt })),
      ...view.fees.map((charge) => ({ line: charge, classification: classifyFee(), occurredAt })),
    ]);
    if (items.length === 0) return;
    const zones = await this.repository.lockUsers(
      tx,
      items.map((item) => item.line.userId),
      'share',
    );
    const waves: Item[][] = [];
    const seen = new Map<string, number>();
    for (const item of items) {
      const appearance = seen.get(idOf(item.line)) ?? 0;
      seen.set(idOf(item.line), appearance + 1);
      (waves[appearance] ??= []).push(item);
    }
    for (const wave of waves) await this.recordWave(tx, wave, zones);
  }

  /** Lines with distinct ids: stored, valued, classified, and those that completed added to the rollups. */
  private async recordWave(tx: EntityManager, items: Item[], zones: Map<string, string>): Promise<void> {
    const stored = await this.repository.factsByLine(
      tx,
      items.map((item) => idOf(item.line)),
    );
    const pending = items.filter((item) => {
      const status = stored.get(idOf(item.line))?.status;
      return status !== 'completed' && status !== 'failed';
    });
    if (pending.length === 0) return;

    // A movement keeps the time (and day) it first appeared at: its later states are valued at that day's price.
    const timeOf = (item: Item) => stored.get(idOf(item.line))?.occurredAt ?? item.occurredAt;
    const prices = await this.prices.pricesFor(
      tx,
      pending.map((item) => ({ currency: item.line.currency, day: utcDay(timeOf(item)) })),
    );
    const facts: NewFact[] = pending.map((item) => {
      const { line, classification: c } = item;
      const time = timeOf(item);
      const price = prices.get(`${line.currency}:${utcDay(time)}`) as string;
      const amount = minor(line.amount, line.currency);
      const isLine = 'lineId' in line;
      const fee = isLine ? minor(line.fee, line.currency) : 0n;
      return {
        lineId: idOf(line),
        userId: line.userId,
        referenceId: line.referenceId,
        batchId: line.batchId,
        type: isLine ? line.type : 'fee',
        kind: isLine ? line.hints.kind : 'fee',
        direction: c.direction,
        status: isLine ? line.status : 'completed',
        occurredAt: time,
        localDay: stored.get(idOf(line))?.localDay ?? localDate(time, zones.get(line.userId) ?? 'UTC'),
        currency: line.currency,
        amount,
        fee,
        feeMode: isLine ? line.feeMode : 'on_top',
        usdRate: price,
        usdAmount: usdCents(amount, line.currency, price),
        usdFee: usdCents(fee, line.currency, price),
        counterparty: c.counterparty,
        merchant: c.merchant,
        note: isLine ? line.note : null,
        excluded: c.excluded,
        autoCategory: c.category,
        autoSubCategory: c.subCategory,
        autoConfidence: c.confidence,
      };
    });
    const changed = await this.repository.upsertFacts(tx, facts);
    const completed = changed.filter((fact) => fact.status === 'completed');
    const payees = this.repository.payeePaymentsWrite(completed.flatMap(payeePayment));
    await this.addToRollups(tx, mergeDeltas(completed.flatMap(contributionsOf)), payees ? [payees] : []);
  }

  /** Moves recategorised movements' amounts from their old rollup rows to their new ones. */
  async moveCategories(tx: EntityManager, changes: readonly Recategorised[]): Promise<void> {
    const deltas: RollupDelta[] = [];
    for (const change of changes) {
      deltas.push(...negated(contributionsOf({ ...change, ...change.previous })), ...contributionsOf(change));
    }
    await this.addToRollups(tx, mergeDeltas(deltas));
  }

  /**
   * The user's days are now counted in `timezone`: every movement's local day is read again and the user's daily
   * rollup rebuilt from their movements (a rare event; batches keep memory flat however long the history).
   */
  async changeTimeZone(tx: EntityManager, userId: string, timezone: string): Promise<void> {
    await this.repository.lockUsers(tx, [userId], 'update');
    await this.repository.setTimeZone(tx, userId, timezone);
    await this.repository.clearRollups(tx, userId);
    const deltas: RollupDelta[] = [];
    const moved: Array<{ lineId: string; localDay: string }> = [];
    let after: AnalyticsFact | null = null;
    for (;;) {
      const page: AnalyticsFact[] = await this.repository.factsPage(tx, userId, null, after, REBUCKET_BATCH);
      for (const fact of page) {
        const localDay = localDate(fact.occurredAt, timezone);
        if (localDay !== fact.localDay) moved.push({ lineId: fact.lineId, localDay });
        deltas.push(...contributionsOf({ ...fact, localDay }));
      }
      if (page.length < REBUCKET_BATCH) break;
      after = page[page.length - 1];
    }
    // The walk is ordered by the stored days: they are rewritten once it is over.
    for (let i = 0; i < moved.length; i += REBUCKET_BATCH) {
      await this.repository.setLocalDays(tx, moved.slice(i, i + REBUCKET_BATCH));
    }
    await this.addToRollups(tx, mergeDeltas(deltas));
  }

  /**
   * Adds merged changes to the daily rollup, and the same per week and per month to the weekly and monthly ones,
   * then runs `also`. Changes that only add (new movements) go in one statement with `also`; a change that takes
   * away (a recategorisation) also removes the rows it empties.
   */
  private async addToRollups(
    tx: EntityManager,
    deltas: RollupDelta[],
    also: readonly SqlWrite[] = [],
  ): Promise<void> {
    const levels = [
      ['day', deltas],
      ['week', rollupOf(deltas, 'week')],
      ['month', rollupOf(deltas, 'month')],
    ] as const;
    const chunks = levels.flatMap(([granularity, changes]) =>
      Array.from({ length: Math.ceil(changes.length / ROLLUP_CHUNK) }, (_, i) => ({
        granularity,
        changes: changes.slice(i * ROLLUP_CHUNK, (i + 1) * ROLLUP_CHUNK),
      })),
    );
    if (deltas.some((delta) => delta.count < 0)) {
      for (const { granularity, changes } of chunks)
        await this.repository.addToRollup(tx, granularity, changes);
      await runWrites(tx, also);
      return;
    }
    await runWrites(tx, [
      ...chunks.map(({ granularity, changes }) => this.repository.rollupWrite(granularity, changes)),
      ...also,
    ]);
  }
}

/** A payment to a payee, for recurring-payment detection: money out (not between own assets) to someone known. */
function payeePayment(fact: AnalyticsFact): PayeePayment[] {
  if (fact.direction !== 'out' || fact.excluded || fact.kind === 'fee') return [];
  const payee = fact.merchant
    ? { payeeKind: 'merchant' as const, payee: fact.merchant }
    : fact.counterparty
      ? { payeeKind: 'counterparty' as const, payee: fact.counterparty }
      : null;
  if (!payee) return [];
  return [
    { userId: fact.userId, ...payee, currency: fact.currency, amount: fact.amount, at: fact.occurredAt },
  ];
}
