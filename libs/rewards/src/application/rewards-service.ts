import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LedgerService } from '#monay/ledger';
import { Money, localDate, type CurrencyCode } from '#monay/kernel';
import {
  AppConfig,
  Clock,
  IdempotentExecutor,
  OutboxWriter,
  UnitOfWork,
  decodePageCursor,
  encodePageCursor,
  type IdempotentResult,
} from '#monay/shared';
import { ACHIEVEMENTS } from '../domain/achievements';
import { RewardCashbackCredited } from '../domain/events/rewards.events';
import { atLeast, definitionOf, LEVELS, nextLevel, type RewardLevel } from '../domain/levels';
import { DAY_MS, POINTS } from '../domain/points';
import { isoWeekName, streakAlive, weekOf } from '../domain/streaks';
import { OutOfStockError, RewardItemNotFoundError, RewardLevelRequiredError } from '../domain/rewards.errors';
import {
  RewardsRepository,
  type ActivityRecord,
  type CatalogItemRecord,
} from '../infrastructure/rewards.repository';
import { GIFT_CARD_PARTNER, type GiftCardPartner } from './gift-card-partner.port';
import { PointsBook } from './points-book';

export const REDEEM_SCOPE = 'rewards.redeem';

/**
 * The member's side of the rewards programme: balance, history, catalog, achievements, and redemption — in one
 * transaction under the Idempotency-Key: points debited (oldest lots first), stock taken, and for cashback the
 * wallet credited from the rewards funding account, with its `RewardCashbackCredited` in the outbox.
 */
@Injectable()
export class RewardsService {
  constructor(
    private readonly repository: RewardsRepository,
    private readonly book: PointsBook,
    private readonly ledger: LedgerService,
    private readonly executor: IdempotentExecutor,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    @Inject(GIFT_CARD_PARTNER) private readonly giftCards: GiftCardPartner,
  ) {}

  async balance(userId: string) {
    const now = this.clock.now();
    const manager = this.uow.manager;
    const [account, { posted }, summary] = await Promise.all([
      this.repository.findAccount(manager, userId),
      this.book.balanceOf(manager, userId),
      this.repository.pointsSummary(
        manager,
        userId,
        new Date(now.getTime() + this.config.rewards.expiryNoticeDays * DAY_MS),
      ),
    ]);
    const lifetime = account?.lifetimePoints ?? 0n;
    const debt = account?.debt ?? 0n;
    const level = definitionOf(account?.level ?? 'bronze');
    const next = nextLevel(lifetime);
    const thisWeek = weekOf(localDate(now, account?.timeZone ?? 'UTC'));
    const streak = { weeks: account?.streakWeeks ?? 0, lastWeek: account?.streakLastWeek ?? null };
    const alive = streakAlive(streak, thisWeek);
    return {
      available: (posted - debt).toString(),
      pending: summary.pending.toString(),
      owed: debt.toString(),
      expiringSoon: summary.expiringSoon.toString(),
      nextExpiry: summary.nextExpiry?.toISOString() ?? null,
      lifetime: lifetime.toString(),
      level: {
        name: level.level,
        perk: level.perk,
        cashbackBonusPercent: Number(level.cashbackBonusPercent),
        next: next && { name: next.level, pointsNeeded: next.pointsNeeded.toString() },
      },
      streak: {
        weeks: alive ? streak.weeks : 0,
        activeThisWeek: streak.lastWeek === thisWeek,
        lastWeek: streak.lastWeek && isoWeekName(streak.lastWeek),
        timeZone: account?.timeZone ?? 'UTC',
      },
    };
  }

  async history(userId: string, limit: number, cursor?: string) {
    const rows = await this.repository.activity(
      this.uow.manager,
      userId,
      limit + 1,
      cursor ? decodePageCursor(cursor) : undefined,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(toHistoryItem),
      nextCursor: rows.length > limit && last ? encodePageCursor(last.createdAt, last.id) : null,
    };
  }

  async catalog(userId: string) {
    const [items, account, { posted }] = await Promise.all([
      this.repository.catalog(this.uow.manager),
      this.repository.findAccount(this.uow.manager, userId),
      this.book.balanceOf(this.uow.manager, userId),
    ]);
    const level = account?.level ?? 'bronze';
    const available = posted - (account?.debt ?? 0n);
    return items.map((item) => ({
      id: item.id,
      kind: item.kind,
      name: item.name,
      description: item.description,
      cost: item.cost.toString(),
      ...(item.kind === 'cashback' && { cashback: this.cashbackOf(item, 1, level) }),
      stock: item.stock,
      minLevel: item.minLevel,
      availability: !atLeast(level, item.minLevel)
        ? 'level_required'
        : item.stock === 0
          ? 'out_of_stock'
          : available < item.cost
            ? 'insufficient_points'
            : 'available',
    }));
  }

  async achievements(userId: string) {
    const [unlocked, counters] = await Promise.all([
      this.repository.achievements(this.uow.manager, userId),
      this.repository.counters(this.uow.manager, userId),
    ]);
    return ACHIEVEMENTS.map((achievement) => ({
      id: achievement.id,
      name: achievement.name,
      description: achievement.description,
      points: achievement.points.toString(),
      unlockedAt: unlocked.get(achievement.id)?.toISOString() ?? null,
      progress: {
        current: Math.min(counters.get(achievement.counter) ?? 0, achievement.target),
        target: achievement.target,
      },
    }));
  }

  async redeem(userId: string, key: string, itemId: string, quantity: number): Promise<IdempotentResult> {
    const item = (await this.repository.catalog(this.uow.manager)).find(
      (candidate) => candidate.id === itemId,
    );
    if (!item) throw new RewardItemNotFoundError(itemId);
    return this.executor.execute(
      { userId, key, scope: REDEEM_SCOPE, body: { itemId, quantity } },
      async (tx) => {
        const now = this.clock.now();
        const redemptionId = randomUUID();
        const points = item.cost * BigInt(quantity);
        const member = await this.repository.account(tx, userId, now, true);
        if (!atLeast(member.level, item.minLevel)) throw new RewardLevelRequiredError(item.id, item.minLevel);
        // Stock first: a sold-out item is OUT_OF_STOCK whatever the balance (both roll back together on a refusal).
        if (!(await this.repository.takeStock(tx, item.id, quantity))) throw new OutOfStockError(item.id);
        const { ledgerTransactionId, account } = await this.book.spend(
          tx,
          userId,
          points,
          `Redeemed ${quantity} × ${item.name}`,
          redemptionId,
          now,
        );
        let cashback: { currency: string; amount: string } | null = null;
        if (item.kind === 'cashback' && item.cashbackCurrency) {
          const amount = this.cashbackMinor(item, quantity, account.level);
          const currency = item.cashbackCurrency;
          const funding = await this.ledger.systemAccount(tx, 'rewards_pool', currency, 'cashback');
          const [wallet] = await this.ledger.openUserAccounts(tx, userId, [currency]);
          const { transactionId } = await this.ledger.post(tx, {
            kind: 'reward_cashback',
            reference: redemptionId,
            entries: [
              { accountId: funding.id, currency, amount: -amount },
              { accountId: wallet.id, currency, amount },
            ],
          });
          cashback = { currency, amount: Money.of(amount, currency as CurrencyCode).toDecimalString() };
          await this.outbox.append(tx, [
            {
              type: RewardCashbackCredited,
              aggregateId: redemptionId,
              userIds: [userId],
              payload: {
                redemptionId,
                userId,
                itemId: item.id,
                currency,
                amount: cashback.amount,
                points: points.toString(),
                ledgerTransactionId: transactionId,
                completedAt: now.toISOString(),
              },
            },
          ]);
        }
        const giftCodes =
          item.kind === 'gift_card' && item.partner
            ? await this.giftCards.issue(item.partner, redemptionId, quantity)
            : [];
        await this.repository.insertRedemption(tx, {
          id: redemptionId,
          userId,
          itemId: item.id,
          quantity,
          points,
          cashbackCurrency: item.cashbackCurrency,
          cashbackAmount: cashback
            ? Money.parse(cashback.amount, cashback.currency as CurrencyCode).minor
            : null,
          giftCodes,
          ledgerTransactionId,
          createdAt: now,
        });
        return {
          status: 201,
          body: {
            success: true,
            redemption: {
              id: redemptionId,
              itemId: item.id,
              quantity,
              points: points.toString(),
              cashback,
              giftCards: giftCodes,
              createdAt: now.toISOString(),
            },
          },
        };
      },
    );
  }

  /** The points books against each other: each member's PTS balance equals what is left in their lots. */
  async reconcile() {
    const [posted, lots, debt, receivable] = await Promise.all([
      this.ledger.allUserPosted(this.uow.manager),
      this.repository.availableLots(this.uow.manager),
      this.repository.totalDebt(this.uow.manager),
      this.ledger.systemBalance(this.uow.manager, POINTS, 'rewards_pool', 'receivable'),
    ]);
    const ledger = new Map(posted.filter((a) => a.currency === POINTS).map((a) => [a.ownerId, a.posted]));
    const members = new Set([...ledger.keys(), ...lots.keys()]);
    const mismatches = [...members]
      .filter((userId) => (ledger.get(userId) ?? 0n) !== (lots.get(userId) ?? 0n))
      .map((userId) => ({
        userId,
        ledger: (ledger.get(userId) ?? 0n).toString(),
        lots: (lots.get(userId) ?? 0n).toString(),
      }));
    const owedInLedger = -receivable;
    return {
      ok: mismatches.length === 0 && owedInLedger === debt,
      members: members.size,
      mismatches,
      debt: { accounts: debt.toString(), ledger: owedInLedger.toString() },
    };
  }

  private cashbackMinor(item: CatalogItemRecord, quantity: number, level: RewardLevel): bigint {
    const base = (item.cashbackAmount ?? 0n) * BigInt(quantity);
    return (base * (100n + definitionOf(level).cashbackBonusPercent)) / 100n;
  }

  private cashbackOf(item: CatalogItemRecord, quantity: number, level: RewardLevel) {
    const currency = (item.cashbackCurrency ?? 'USDC') as CurrencyCode;
    return {
      currency,
      amount: Money.of(this.cashbackMinor(item, quantity, level), currency).toDecimalString(),
    };
  }
}

function toHistoryItem(row: ActivityRecord) {
  return {
    id: row.id,
    kind: row.kind,
    points: row.points.toString(),
    reason: row.reason,
    reference: row.reference,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Every level with its threshold and perk (the catalog page shows them). */
export function levelTable() {
  return LEVELS.map((level) => ({ name: level.level, from: level.from.toString(), perk: level.perk }));
}
