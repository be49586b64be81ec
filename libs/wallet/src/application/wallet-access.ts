import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { CurrencyCode, Money, ReferencePrices, STABLECOINS } from '#monay/kernel';
import {
  AppConfig,
  Clock,
  UnitOfWork,
  type GuardedWrite,
  type SqlRead,
  type TierFeature,
} from '#monay/shared';
import { levelOf, LimitTiers, TierLimits, type KycLevel } from '../domain/limit-tiers';
import {
  KycTierRequiredError,
  LimitExceededError,
  LimitName,
  VelocityExceededError,
  type LimitScope,
} from '../domain/wallet.errors';
import { newWalletAddress } from '../domain/wallet-address';
import type { Wallet } from '../domain/wallet';
import { WalletRepository, type UsagePeriod } from '../infrastructure/wallet.repository';

export interface WalletView {
  id: string;
  userId: string;
  address: string;
  kycLevel: number;
  currencies: CurrencyCode[];
  createdAt: string;
}

export interface EffectiveLimits extends Omit<TierLimits, 'level' | 'name' | 'features'> {
  tier: TierLimits;
}

export function toWalletView(wallet: Wallet): WalletView {
  return {
    id: wallet.id,
    userId: wallet.userId,
    address: wallet.address,
    kycLevel: wallet.kycLevel,
    currencies: [...STABLECOINS],
    createdAt: wallet.createdAt.toISOString(),
  };
}

const HOUR = 3_600_000;

export function periodStarts(now: Date): { hour: Date; day: Date; month: Date } {
  return {
    hour: new Date(Math.floor(now.getTime() / HOUR) * HOUR),
    day: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
    month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  };
}

/**
 * The wallet context's public service for other contexts: find or create a user's wallet, value money in
 * USD, and consume limits inside the caller's transaction (transfers do, in the same transaction as the
 * ledger write, so two concurrent transfers cannot both slip under a limit).
 */
@Injectable()
export class WalletAccess {
  readonly tiers: LimitTiers;
  readonly prices: ReferencePrices;

  constructor(
    private readonly wallets: WalletRepository,
    private readonly ledger: LedgerService,
    private readonly uow: UnitOfWork,
    config: AppConfig,
    /** Limits count in the periods of the application's clock, and are reported in them. */
    readonly clock: Clock,
  ) {
    this.tiers = new LimitTiers(config.limitTiers);
    this.prices = new ReferencePrices(config.referencePrices);
  }

  /** Every wallet route calls this: a user who registered through /api/auth gets their wallet on first use. */
  async ensureWallet(userId: string): Promise<Wallet> {
    const existing = await this.wallets.findByUserId(userId);
    if (existing) return existing;
    return this.uow.run(async (tx) => {
      const { wallet } = await this.wallets.createIfMissing(tx, {
        id: randomUUID(),
        userId,
        address: newWalletAddress(),
        kycLevel: 1,
        dailyLimit: null,
        monthlyLimit: null,
        createdAt: new Date(),
      });
      await this.ledger.openUserAccounts(tx, userId, [...STABLECOINS]);
      return wallet;
    });
  }

  /**
   * {@link ensureWallet} for several users at once: one query when they all have their wallet (the usual
   * case); each missing one is created as ensureWallet does. Answers in the order asked. `read`: their wallets
   * as {@link walletsRead} just read them (then no query when they all have one).
   */
  async ensureWallets(userIds: string[], read?: Wallet[]): Promise<Wallet[]> {
    const unique = [...new Set(userIds)];
    const found = new Map((read ?? (await this.wallets.findByUserIds(unique))).map((w) => [w.userId, w]));
    for (const userId of unique) {
      if (!found.has(userId)) found.set(userId, await this.ensureWallet(userId));
    }
    return userIds.map((userId) => found.get(userId) as Wallet);
  }

  /**
   * The wallets of `userIds` and of the users `alsoOf` selects (a subquery over an earlier read of the same
   * statement), as a read to run with others in one round trip (`readTogether`); for {@link ensureWallets}.
   */
  walletsRead(userIds: string[], alsoOf?: string): SqlRead<Wallet[]> {
    return this.wallets.byUserIdsRead(userIds, alsoOf);
  }

  findByAddress(address: string): Promise<Wallet | null> {
    return this.wallets.findByAddress(address);
  }

  findByAddresses(addresses: string[]): Promise<Wallet[]> {
    return this.wallets.findByAddresses(addresses);
  }

  /** The user's wallet; in `tx` when given (inside a transaction, never read through another connection). */
  findByUserId(userId: string, tx?: EntityManager): Promise<Wallet | null> {
    return this.wallets.findByUserId(userId, tx);
  }

  /** The tier's limits, lowered where the user set their own. */
  limitsOf(wallet: Wallet): EffectiveLimits {
    const tier = this.tiers.of(wallet.kycLevel);
    const own = (minor: bigint | null, cap: Money) =>
      minor !== null && minor < cap.minor ? Money.of(minor, 'USD') : cap;
    return {
      tier,
      perTransaction: tier.perTransaction,
      daily: own(wallet.dailyLimit, tier.daily),
      monthly: own(wallet.monthlyLimit, tier.monthly),
      maxPerHour: tier.maxPerHour,
      deposit: tier.deposit,
    };
  }

  /**
   * The one feature gate: refuses with 403 KYC_TIER_REQUIRED {required, current} unless the wallet's tier unlocks
   * `feature` (the tier table, `LIMIT_TIERS`).
   */
  requireFeature(wallet: Wallet, feature: TierFeature): void {
    const current = this.tiers.of(wallet.kycLevel);
    if (current.features.includes(feature)) return;
    const required = this.tiers.requiredFor(feature);
    throw new KycTierRequiredError(
      feature,
      required === null ? null : { level: required, name: this.tiers.of(required).name },
      { level: current.level, name: current.name },
    );
  }

  /**
   * The user's KYC level, the wallet row locked until the caller's transaction ends: libs/kyc reads it before a
   * tier change, so tier changes of one user are serialised.
   */
  async lockKycLevel(tx: EntityManager, userId: string): Promise<KycLevel> {
    // In the caller's transaction only (no second connection while it is open): a user without a wallet yet is
    // Basic, and verification creates the wallet before it starts.
    return levelOf(await this.wallets.lockKycLevel(tx, userId));
  }

  /**
   * Sets the user's KYC tier in the caller's transaction (libs/kyc does, with its tier-change event and after
   * {@link lockKycLevel}): the wallet's limits and features follow at once.
   */
  async setKycLevel(tx: EntityManager, userId: string, level: KycLevel): Promise<void> {
    await this.wallets.setKycLevel(tx, userId, level);
  }

  usdValue(money: Money): Money {
    return this.prices.usdValue(money);
  }

  /**
   * Counts `usd` (one transfer or a whole batch) against the per-transaction, daily and monthly limits and
   * one unit of hourly velocity, or throws without counting anything (the caller's transaction rolls back).
   * `scope: 'deposit'`: a deposit, against the tier's deposit limits (per transaction, daily, monthly), on
   * counters of its own.
   */
  async consumeLimits(
    tx: EntityManager,
    wallet: Wallet,
    usd: Money,
    now = this.clock.now(),
    scope: LimitScope = 'send',
  ): Promise<void> {
    if (scope === 'deposit') return this.consumeDepositLimits(tx, wallet, usd, now);
    const { periods, check } = this.sendLimits(wallet, usd, now);
    await check(tx, await this.wallets.consumeAll(tx, wallet.id, usd.minor, periods));
  }

  /**
   * What {@link consumeLimits} does for a send, as a guarded write for the ledger's posting to carry
   * (LedgerService.post's `before`): limits and ledger in one round trip. Throws at once past the per-transaction
   * limit; `check` throws the refusal of the period that refused (reading its usage), if one did.
   */
  sendLimitsWrite(wallet: Wallet, usd: Money, now = this.clock.now()): GuardedWrite {
    const { periods, check } = this.sendLimits(wallet, usd, now);
    return {
      write: this.wallets.consumeAllWrite(wallet.id, usd.minor, periods),
      rowsToProceed: periods.length,
      check: (tx, rows) => check(tx, new Set(rows.map((row) => row.period as UsagePeriod))),
    };
  }

  /** The periods a send counts against, and the refusal when one of them did not count it. */
  private sendLimits(wallet: Wallet, usd: Money, now: Date) {
    const limits = this.limitsOf(wallet);
    const starts = periodStarts(now);
    if (usd.greaterThan(limits.perTransaction)) {
      throw this.exceeded('perTransaction', limits.perTransaction, Money.zero('USD'), usd);
    }
    const checks: Array<[LimitName, 'day' | 'month', Date, Money]> = [
      ['daily', 'day', starts.day, limits.daily],
      ['monthly', 'month', starts.month, limits.monthly],
    ];
    // One statement for every period (day, month, then hourly velocity, in that lock order).
    const periods = [
      ...checks.map(([, period, start, limit]) => ({ period, start, limitUsd: limit.minor })),
      { period: 'hour' as const, start: starts.hour, maxCount: limits.maxPerHour },
    ];
    return {
      periods,
      check: async (tx: EntityManager, counted: Set<UsagePeriod>): Promise<void> => {
        for (const [name, period, start, limit] of checks) {
          if (counted.has(period)) continue;
          const used = await this.wallets.usage(wallet.id, period, start, tx);
          throw this.exceeded(name, limit, Money.of(used.amountUsd, 'USD'), usd);
        }
        if (!counted.has('hour')) throw new VelocityExceededError(limits.maxPerHour);
      },
    };
  }

  /**
   * Gives back what {@link consumeLimits} counted at `consumedAt` (a movement that failed without moving
   * money): the daily, monthly and hourly usage of those periods (a deposit's own daily and monthly), never
   * below zero.
   */
  async releaseLimits(
    tx: EntityManager,
    userId: string,
    usd: Money,
    consumedAt: Date,
    scope: LimitScope = 'send',
  ): Promise<void> {
    const wallet = await this.wallets.findByUserId(userId, tx);
    if (!wallet) return;
    const starts = periodStarts(consumedAt);
    await this.wallets.release(
      tx,
      wallet.id,
      scope === 'deposit'
        ? [
            ['deposit_day', starts.day],
            ['deposit_month', starts.month],
          ]
        : [
            ['day', starts.day],
            ['month', starts.month],
            ['hour', starts.hour],
          ],
      usd.minor,
    );
  }

  /** Deposits: the tier's deposit limits, per transaction, per day and per month (no velocity). */
  private async consumeDepositLimits(
    tx: EntityManager,
    wallet: Wallet,
    usd: Money,
    now: Date,
  ): Promise<void> {
    const limits = this.limitsOf(wallet).deposit;
    const starts = periodStarts(now);
    if (usd.greaterThan(limits.perTransaction)) {
      throw this.exceeded('perTransaction', limits.perTransaction, Money.zero('USD'), usd, 'deposit');
    }
    const checks: Array<[LimitName, 'deposit_day' | 'deposit_month', Date, Money]> = [
      ['daily', 'deposit_day', starts.day, limits.daily],
      ['monthly', 'deposit_month', starts.month, limits.monthly],
    ];
    const counted = await this.wallets.consumeAll(
      tx,
      wallet.id,
      usd.minor,
      checks.map(([, period, start, limit]) => ({ period, start, limitUsd: limit.minor })),
    );
    for (const [name, period, start, limit] of checks) {
      if (counted.has(period)) continue;
      const used = await this.wallets.usage(wallet.id, period, start, tx);
      throw this.exceeded(name, limit, Money.of(used.amountUsd, 'USD'), usd, 'deposit');
    }
  }

  private exceeded(
    name: LimitName,
    limit: Money,
    used: Money,
    requested: Money,
    scope: LimitScope = 'send',
  ): LimitExceededError {
    return new LimitExceededError(
      name,
      {
        limitUSD: limit.toDecimalString(),
        usedUSD: used.toDecimalString(),
        requestedUSD: requested.toDecimalString(),
      },
      scope,
    );
  }
}
