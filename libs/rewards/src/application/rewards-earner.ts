import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money, localDate, type CurrencyCode } from '#monay/kernel';
import {
  AppConfig,
  Clock,
  EventConsumers,
  OutboxWriter,
  type DomainEvent,
  type EventConsumer,
} from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { achievementsReached, type RewardCounter } from '../domain/achievements';
import { DEFAULT_EARN_RULES, evaluateRules, type EarnRule, type RewardFact } from '../domain/earn-rules';
import { RewardAchievementUnlocked } from '../domain/events/rewards.events';
import { DAY_MS } from '../domain/points';
import { advanceStreak, STREAK_MILESTONES, weekOf } from '../domain/streaks';
import { RewardsRepository, type RewardAccountRecord } from '../infrastructure/rewards.repository';
import { PointsBook, type EarnInput } from './points-book';

/** The events rewards learns from (a new source, such as card spend, adds its type here and a fact below). */
export const EARNING_EVENT_TYPES = new Set([
  'FundsTransferred',
  'DepositCompleted',
  'CardAuthorizationCleared',
  'CardRefunded',
  'BankTransferSettled',
  'BankTransferReturned',
  'KycTierChanged',
  'TimeZoneChanged',
] as const);

export type EarningEventName = typeof EARNING_EVENT_TYPES extends Set<infer K> ? K : never;

/**
 * Turns domain events into points (docs/architecture.md, "Rewards"): an {@link EventConsumer}, so the relay hands
 * it each event once (processed_events) inside the transaction that marks it applied, and everything it books —
 * earns, achievements, streaks, referral qualification — commits with that mark or not at all. Earn rules are data
 * (`domain/earn-rules.ts`, or `REWARDS_RULES`); each earn is idempotent per (rule, source).
 */
@Injectable()
export class RewardsEarner implements EventConsumer<EarningEventName>, OnModuleInit {
  readonly name = 'rewards.earn';
  readonly types = EARNING_EVENT_TYPES;
  private readonly rules: readonly EarnRule[];

  constructor(
    private readonly consumers: EventConsumers,
    private readonly repository: RewardsRepository,
    private readonly book: PointsBook,
    private readonly wallets: WalletAccess,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.rules = (config.rewards.rules as EarnRule[] | undefined) ?? DEFAULT_EARN_RULES;
  }

  onModuleInit(): void {
    this.consumers.register(this);
  }

  async apply(tx: EntityManager, event: DomainEvent<EarningEventName>): Promise<void> {
    const now = this.clock.now();
    switch (event.type) {
      case 'FundsTransferred':
        await this.transfersSent(tx, [event]);
        return;
      case 'DepositCompleted': {
        const p = event.payload;
        await this.deposited(
          tx,
          p.userId,
          p.depositId,
          p.credited,
          p.currency,
          new Date(p.completedAt),
          event.eventId,
          now,
        );
        return;
      }
      case 'BankTransferSettled': {
        // Money in from the user's bank account (ACH, wire) is a deposit like one through a provider.
        const p = event.payload;
        if (p.direction !== 'deposit') return;
        await this.deposited(
          tx,
          p.userId,
          p.bankTransferId,
          p.posted,
          p.currency,
          new Date(p.settledAt),
          event.eventId,
          now,
        );
        return;
      }
      case 'BankTransferReturned': {
        // A returned bank deposit takes back what it earned (R01, R10…): the points were pending or are clawed back.
        const p = event.payload;
        if (p.direction !== 'deposit') return;
        await this.book.clawBack(tx, p.bankTransferId, `Bank deposit returned (${p.returnCode})`, now);
        return;
      }
      case 'CardAuthorizationCleared': {
        // Card spend earns per clearing (an authorization may clear several times), on what was cleared.
        const p = event.payload;
        await this.earnFrom(
          tx,
          {
            kind: 'card_spend',
            userId: p.userId,
            ref: p.authorizationId,
            key: `card-clearing:${event.eventId}`,
            usdCents: this.usdCents(p.amount, p.currency),
            mcc: p.merchant.mcc,
          },
          event.eventId,
          now,
        );
        if (p.final) await this.count(tx, p.userId, 'card_spend', now);
        await this.streak(tx, p.userId, event.occurredAt, now);
        return;
      }
      case 'CardRefunded': {
        // A refund takes back its share of what the authorization earned.
        const p = event.payload;
        const whole = this.usdCents(p.clearedTotal, p.currency);
        const part = this.usdCents(p.amount, p.currency);
        if (whole <= 0n) return;
        await this.book.clawBack(tx, p.authorizationId, 'Card purchase refunded', now, {
          part: part < whole ? part : whole,
          whole,
        });
        return;
      }
      case 'KycTierChanged': {
        const p = event.payload;
        if (p.direction !== 'up' || p.to.level < 2) return;
        const account = await this.repository.account(tx, p.userId, now, true);
        if (account.verifiedAt !== null) return;
        await this.repository.updateAccount(tx, p.userId, { verifiedAt: new Date(p.at) });
        await this.count(tx, p.userId, 'identity_verified', now);
        return;
      }
      case 'TimeZoneChanged': {
        const p = event.payload;
        await this.repository.account(tx, p.userId, now, true);
        await this.repository.updateAccount(tx, p.userId, { timeZone: p.timezone });
        return;
      }
    }
  }

  /**
   * A relay batch, with the same effect as {@link apply} on each event in turn: runs of `FundsTransferred` (most of
   * what rewards sees) take a fixed number of statements whatever their length, every other event goes through
   * `apply`, all in journal order.
   */
  async applyAll(tx: EntityManager, events: ReadonlyArray<DomainEvent<EarningEventName>>): Promise<void> {
    let run: Array<DomainEvent<'FundsTransferred'>> = [];
    for (const event of events) {
      if (event.type === 'FundsTransferred') {
        run.push(event);
        continue;
      }
      await this.transfersSent(tx, run);
      run = [];
      await this.apply(tx, event);
    }
    await this.transfersSent(tx, run);
  }

  /**
   * Transfers sent, in order: as `apply` does for each, but with the payment pairs read and noted, the counters
   * bumped, the achievements they reach unlocked and the senders' accounts locked in one statement each. What is
   * rare stays per transfer: an earn (a transfer of a dollar or more) and a streak that moves (once a week).
   */
  private async transfersSent(
    tx: EntityManager,
    events: ReadonlyArray<DomainEvent<'FundsTransferred'>>,
  ): Promise<void> {
    const sends = events.map((event) => event.payload).filter((p) => p.senderId !== p.recipientId);
    if (sends.length === 0) return;
    const now = this.clock.now();
    const pair = (payer: string, payee: string) => `${payer.toLowerCase()}:${payee.toLowerCase()}`;
    const lastPaid = await this.repository.lastPayments(
      tx,
      sends.flatMap((p) => [
        { userId: p.senderId, recipientId: p.recipientId },
        { userId: p.recipientId, recipientId: p.senderId },
      ]),
    );
    const windowMs = this.config.rewards.circularWindowDays * DAY_MS;
    const counted: Array<{ payment: (typeof sends)[number]; eventId: string; at: Date; first: boolean }> = [];
    sends.forEach((p, i) => {
      const at = new Date(p.completedAt);
      // Money sent back to whoever paid you recently is going round: it earns nothing and counts for nothing.
      const back = lastPaid.get(pair(p.recipientId, p.senderId));
      const circular = back !== undefined && back.getTime() >= at.getTime() - windowMs;
      const before = lastPaid.get(pair(p.senderId, p.recipientId));
      if (before === undefined || before < at) lastPaid.set(pair(p.senderId, p.recipientId), at);
      if (!circular)
        counted.push({ payment: p, eventId: events[i].eventId, at, first: before === undefined });
    });
    await this.repository.notePayments(
      tx,
      sends.map((p) => ({ userId: p.senderId, recipientId: p.recipientId, at: new Date(p.completedAt) })),
    );
    if (counted.length === 0) return;
    const accounts = await this.repository.accounts(
      tx,
      counted.map(({ payment }) => payment.senderId),
      now,
    );
    await this.book.earnMany(
      tx,
      counted.flatMap(({ payment: p, eventId }) =>
        this.earnsFrom(
          {
            kind: 'p2p_sent',
            userId: p.senderId,
            ref: p.transferId,
            usdCents: this.usdCents(p.amount, p.currency),
            counterpartyId: p.recipientId,
            circular: false,
          },
          eventId,
        ),
      ),
      now,
      { accountsLocked: true },
    );
    const values = await this.repository.bumpMany(
      tx,
      counted.flatMap(({ payment, first }) => [
        { userId: payment.senderId, counter: 'p2p_sent' as const, by: 1 },
        ...(first ? [{ userId: payment.senderId, counter: 'distinct_recipients' as const, by: 1 }] : []),
      ]),
    );
    await this.unlockReached(
      tx,
      [...values].map(([key, value]) => {
        const [userId, counter] = key.split(':') as [string, RewardCounter];
        return { userId, counter, value };
      }),
      now,
    );
    for (const { payment, at } of counted) {
      const userId = payment.senderId.toLowerCase();
      const account = accounts.get(userId);
      if (account) accounts.set(userId, await this.streakOf(tx, account, at, now));
    }
  }

  /** A deposit (through a provider or a bank rail): its earns, the deposit counter, the streak, a referral. */
  private async deposited(
    tx: EntityManager,
    userId: string,
    depositId: string,
    credited: string,
    currency: string,
    at: Date,
    eventId: string,
    now: Date,
  ): Promise<void> {
    const account = await this.repository.account(tx, userId, now, true);
    const first = account.firstDepositAt === null;
    if (first) await this.repository.updateAccount(tx, userId, { firstDepositAt: at });
    const usdCents = this.usdCents(credited, currency);
    await this.earnFrom(tx, { kind: 'deposit', userId, ref: depositId, usdCents, first }, eventId, now);
    await this.count(tx, userId, 'deposits', now);
    await this.streak(tx, userId, at, now);
    await this.qualifyReferral(tx, userId, depositId, usdCents, at);
  }

  private async earnFrom(tx: EntityManager, fact: RewardFact, eventId: string, now: Date): Promise<void> {
    await this.book.earnMany(tx, this.earnsFrom(fact, eventId), now);
  }

  /** What the earn rules grant for `fact`, as earns of the points book. */
  private earnsFrom(fact: RewardFact, eventId: string): EarnInput[] {
    return evaluateRules(this.rules, fact).map((grant) => ({
      userId: fact.userId,
      ruleId: grant.ruleId,
      sourceKey: grant.sourceKey,
      sourceRef: fact.ref,
      sourceEventId: eventId,
      reason: grant.reason,
      points: grant.points,
      lockHours: grant.lockHours,
    }));
  }

  /** Counts one more of `counter` (or sets it) and unlocks what it reaches: each achievement once, points at once. */
  private async count(
    tx: EntityManager,
    userId: string,
    counter: RewardCounter,
    now: Date,
    setTo?: number,
  ): Promise<void> {
    let value: number;
    if (setTo === undefined) {
      value = await this.repository.bump(tx, userId, counter);
    } else {
      await this.repository.setCounter(tx, userId, counter, setTo);
      value = setTo;
    }
    await this.unlockReached(tx, [{ userId, counter, value }], now);
  }

  /**
   * Unlocks, in one statement, what the counters' values reach (each achievement once per member), and for each one
   * new: its points (available at once) and its event.
   */
  private async unlockReached(
    tx: EntityManager,
    values: ReadonlyArray<{ userId: string; counter: RewardCounter; value: number }>,
    now: Date,
  ): Promise<void> {
    const reached = values.flatMap(({ userId, counter, value }) =>
      achievementsReached(counter, value).map((achievement) => ({ userId, achievement })),
    );
    const fresh = await this.repository.unlockMany(
      tx,
      reached.map(({ userId, achievement }) => ({ userId, achievementId: achievement.id })),
      now,
    );
    const unlocked = reached.filter(({ userId, achievement }) =>
      fresh.has(`${userId.toLowerCase()}:${achievement.id}`),
    );
    if (unlocked.length === 0) return;
    // Their points first (vested at once), then the unlocks, each kind in one go.
    await this.book.earnMany(
      tx,
      unlocked.map(({ userId, achievement }) => ({
        userId,
        ruleId: `achievement:${achievement.id}`,
        sourceKey: userId,
        sourceRef: null,
        sourceEventId: null,
        reason: `Achievement: ${achievement.name}`,
        points: achievement.points,
        lockHours: 0,
      })),
      now,
    );
    await this.outbox.append(
      tx,
      unlocked.map(({ userId, achievement }) => ({
        type: RewardAchievementUnlocked,
        aggregateId: userId,
        userIds: [userId],
        payload: {
          userId,
          achievementId: achievement.id,
          name: achievement.name,
          points: achievement.points.toString(),
          at: now.toISOString(),
        },
      })),
    );
  }

  /** A qualifying action in the week it happened in the member's time zone; milestones pay a bonus once. */
  private async streak(tx: EntityManager, userId: string, at: Date, now: Date): Promise<void> {
    await this.streakOf(tx, await this.repository.account(tx, userId, now, true), at, now);
  }

  /** {@link streak} on the member's account, locked by the caller; answers the account as it is afterwards. */
  private async streakOf(
    tx: EntityManager,
    account: RewardAccountRecord,
    at: Date,
    now: Date,
  ): Promise<RewardAccountRecord> {
    const userId = account.userId;
    const monday = weekOf(localDate(at, account.timeZone));
    const next = advanceStreak({ weeks: account.streakWeeks, lastWeek: account.streakLastWeek }, monday);
    if (!next.changed) return account;
    await this.repository.updateAccount(tx, userId, {
      streakWeeks: next.state.weeks,
      streakLastWeek: next.state.lastWeek,
    });
    await this.count(tx, userId, 'streak_weeks', now, next.state.weeks);
    if (next.milestone !== null) {
      await this.book.earn(
        tx,
        {
          userId,
          ruleId: `streak:${next.milestone}`,
          // Once per streak: a streak that breaks and reaches the milestone again earns it again.
          sourceKey: `${userId}:${monday}`,
          sourceRef: null,
          sourceEventId: null,
          reason: `${next.milestone}-week streak`,
          points: STREAK_MILESTONES.get(next.milestone) ?? 0n,
          lockHours: 0,
        },
        now,
      );
    }
    return { ...account, streakWeeks: next.state.weeks, streakLastWeek: next.state.lastWeek };
  }

  /**
   * The referred member's first deposit of at least the configured amount starts the holding period; the referral
   * is decided (by the due-work sweep) once it is over and the member's identity is verified.
   */
  private async qualifyReferral(
    tx: EntityManager,
    userId: string,
    depositId: string,
    usdCents: bigint,
    at: Date,
  ): Promise<void> {
    const referral = await this.repository.referralOf(tx, userId, true);
    if (!referral || referral.status !== 'pending' || referral.qualifyingDepositId !== null) return;
    const minimum = Money.parse(this.config.rewards.referralMinDepositUsd, 'USD').minor;
    if (usdCents < minimum) return;
    await this.repository.setQualification(
      tx,
      referral.id,
      { depositId, amountUsd: Money.of(usdCents, 'USD').toDecimalString() },
      new Date(at.getTime() + this.config.rewards.referralHoldDays * DAY_MS),
    );
  }

  private usdCents(amount: string, currency: string): bigint {
    return this.wallets.usdValue(Money.parse(amount, currency as CurrencyCode)).minor;
  }
}
