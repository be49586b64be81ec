import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus, EventsHandler, IEventHandler } from '@nestjs/cqrs';
import { isCurrencyCode, Money, STABLECOINS, type CurrencyCode } from '#monay/kernel';
import {
  AppConfig,
  Clock,
  DueWork,
  JobName,
  JobPayloads,
  JobQueue,
  OnJob,
  PublishedEvent,
  type DomainEvent,
  type DueWorkSweeper,
} from '#monay/shared';
import { WalletAccess, WalletReports } from '#monay/wallet';
import { planRebalance, type AutoBalanceMode, type Holding } from '../../domain/auto-balance.policy';
import { SwapRequestInvalidError } from '../../domain/swap.errors';
import { ExecuteSwapCommand } from '../execute-swap/execute-swap.command';
import { AutoBalanceRepository, type AutoBalanceSettings } from './auto-balance.repository';

export interface AutoBalanceInput {
  mode: AutoBalanceMode;
  minimum?: string;
  targets?: Record<string, string>;
  tolerance?: string;
  minSwap?: string;
}

const SHARE = /^(0(\.\d{1,4})?|1(\.0{1,4})?)$/;

/** "0.6" → 6000 basis points. */
function basisPoints(field: string, value: string): number {
  if (!SHARE.test(value))
    throw new SwapRequestInvalidError(field, 'must be a share between 0 and 1 such as "0.25"');
  const [whole, fraction = ''] = value.split('.');
  // A share, not money: basis points fit an integer exactly.
  return parseInt(whole, 10) * 10_000 + parseInt(fraction.padEnd(4, '0'), 10);
}

function shareOf(bps: number): string {
  const fraction = String(bps % 10_000)
    .padStart(4, '0')
    .replace(/0+$/, '');
  return `${Math.floor(bps / 10_000)}.${fraction || '0'}`;
}

/**
 * Auto-balance (wallet preference `autoBalance`, targets at `PUT /api/wallet/auto-balance`): a minimum balance in
 * the preferred currency, or target shares across stablecoins with a tolerance. A scheduled job (every five
 * minutes; and the sandbox clock's due work) and each money movement of the user look at the wallet; when it is off
 * target by more than the tolerance, one swap through the normal swap path (its quote, fee and rounding, its line in
 * the history) moves it back, never more often than AUTO_BALANCE_INTERVAL_MINUTES per user (a guarded claim of the
 * user's turn, so two triggers at once rebalance once) and never for less than the minimum swap.
 */
@Injectable()
export class AutoBalancer implements DueWorkSweeper, OnApplicationBootstrap {
  private readonly logger = new Logger('AutoBalance');
  readonly name = 'providers.auto-balance';
  private readonly intervalMs: number;

  constructor(
    private readonly settings: AutoBalanceRepository,
    private readonly reports: WalletReports,
    private readonly wallets: WalletAccess,
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    private readonly jobs: JobQueue,
    config: AppConfig,
    dueWork: DueWork,
  ) {
    this.intervalMs = config.everyday.autoBalanceIntervalMinutes * 60_000;
    dueWork.register(this);
  }

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.RunAutoBalance, '*/5 * * * *', { limit: 200 })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the auto-balance job: ${String(error)}`),
      );
  }

  async view(userId: string) {
    const [preferences, stored] = await Promise.all([
      this.reports.preferences(userId),
      this.settings.find(userId),
    ]);
    return {
      enabled: preferences.autoBalance,
      preferredCurrency: preferences.preferredCurrency,
      intervalMinutes: this.intervalMs / 60_000,
      target: stored ? targetView(stored) : null,
      lastRunAt: stored?.lastRunAt?.toISOString() ?? null,
    };
  }

  async update(userId: string, input: AutoBalanceInput) {
    const tolerance = basisPoints('tolerance', input.tolerance ?? '0.05');
    const minSwap = Money.parse(input.minSwap ?? '1.00', 'USD');
    let minimum: bigint | null = null;
    let shares: Record<string, number> | null = null;
    if (input.mode === 'minimum') {
      if (input.minimum === undefined)
        throw new SwapRequestInvalidError('minimum', 'is required in minimum mode');
      minimum = Money.parse(input.minimum, 'USDC').minor; // every stablecoin has 6 decimals
    } else {
      if (!input.targets) throw new SwapRequestInvalidError('targets', 'are required in shares mode');
      shares = {};
      for (const [currency, share] of Object.entries(input.targets)) {
        if (!isCurrencyCode(currency) || !STABLECOINS.includes(currency)) {
          throw new SwapRequestInvalidError('targets', `${currency} is not a stablecoin`);
        }
        if (typeof share !== 'string')
          throw new SwapRequestInvalidError(`targets.${currency}`, 'must be a string');
        shares[currency] = basisPoints(`targets.${currency}`, share);
      }
      if (Object.values(shares).reduce((a, b) => a + b, 0) !== 10_000) {
        throw new SwapRequestInvalidError('targets', 'must add up to 1');
      }
    }
    await this.settings.upsert(
      userId,
      { mode: input.mode, minimum, shares, toleranceBps: tolerance, minSwapUsdCents: minSwap.minor },
      this.clock.now(),
    );
    return this.view(userId);
  }

  /** Rebalances the user's wallet if auto-balance is on, it is off target, and its interval has passed. */
  async run(userId: string): Promise<number | null> {
    const preferences = await this.reports.preferences(userId);
    if (!preferences.autoBalance) return null;
    const stored = await this.settings.find(userId);
    if (!stored || !(await this.plan(userId, preferences.preferredCurrency, stored))) return null;
    // Off target: take the user's turn (at most once per interval), then plan again on fresh balances.
    const now = this.clock.now();
    const claimed = await this.settings.claimRun(userId, now, this.intervalMs);
    if (!claimed) return null;
    const plan = await this.plan(userId, preferences.preferredCurrency, claimed);
    if (!plan) return null;
    const from = plan.from as CurrencyCode;
    const amount = Money.of(plan.amount, from);
    const result = await this.commands.execute(
      new ExecuteSwapCommand(
        userId,
        `auto-balance:${userId}:${now.toISOString()}`,
        { from, to: plan.to as CurrencyCode, amount },
        { from, to: plan.to, amount: amount.toDecimalString(), autoBalance: plan.reason },
      ),
    );
    return result.status;
  }

  private async plan(userId: string, preferred: string, target: AutoBalanceSettings) {
    const balance = await this.reports.balance(userId);
    const holdings: Holding[] = balance.balances
      .filter((b) => isCurrencyCode(b.currency) && STABLECOINS.includes(b.currency))
      .map((b) => {
        const code = b.currency as CurrencyCode;
        return {
          currency: code,
          available: Money.parse(b.available, code).minor,
          priceCents: this.wallets.usdValue(Money.parse('1', code)).minor,
        };
      });
    return planRebalance(preferred, holdings, target);
  }

  @OnJob(JobName.RunAutoBalance)
  async runDue({ limit }: JobPayloads[JobName.RunAutoBalance]): Promise<{ rebalanced: number }> {
    await this.clock.sync();
    return { rebalanced: await this.sweepAt(this.clock.now(), limit) };
  }

  sweep(now: Date): Promise<number> {
    return this.sweepAt(now, 200);
  }

  private async sweepAt(now: Date, limit: number): Promise<number> {
    let done = 0;
    for (const userId of await this.settings.due(now, this.intervalMs, limit)) {
      try {
        if ((await this.run(userId)) !== null) done += 1;
      } catch (error) {
        this.logger.warn(`Could not rebalance ${userId}: ${String(error)}`);
      }
    }
    return done;
  }
}

function targetView(settings: AutoBalanceSettings) {
  return {
    mode: settings.mode,
    minimum: settings.minimum === null ? null : Money.of(settings.minimum, 'USDC').toDecimalString(),
    targets:
      settings.shares === null
        ? null
        : Object.fromEntries(
            Object.entries(settings.shares).map(([currency, bps]) => [currency, shareOf(bps)]),
          ),
    tolerance: shareOf(settings.toleranceBps),
    minSwap: Money.of(settings.minSwapUsdCents, 'USD').toDecimalString(),
  };
}

/**
 * Money that moved for a user (not a swap: its own result never triggers another) → look at their wallet. Users are
 * gathered for a moment and filtered in one query to those with a target, so a batch of a thousand transfers does
 * not crowd the relay's connections.
 */
@EventsHandler(PublishedEvent)
export class AutoBalanceOnMovement implements IEventHandler<DomainEvent> {
  private readonly logger = new Logger('AutoBalance');
  private pending = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly balancer: AutoBalancer,
    private readonly settings: AutoBalanceRepository,
  ) {}

  handle(event: DomainEvent): void {
    for (const userId of usersMovedBy(event)) this.pending.add(userId);
    if (this.scheduled || this.pending.size === 0) return;
    this.scheduled = true;
    setTimeout(() => {
      const users = [...this.pending];
      this.pending = new Set();
      this.scheduled = false;
      this.runFor(users).catch((error: unknown) => this.logger.warn(`Could not rebalance: ${String(error)}`));
    }, 20);
  }

  private async runFor(users: string[]): Promise<void> {
    for (const userId of await this.settings.withTargets(users)) {
      await this.balancer
        .run(userId)
        .catch((error: unknown) => this.logger.warn(`Could not rebalance ${userId}: ${String(error)}`));
    }
  }
}

function usersMovedBy(event: DomainEvent): string[] {
  switch (event.type) {
    case 'FundsTransferred':
      return [event.payload.senderId, event.payload.recipientId];
    case 'DepositCompleted':
    case 'WithdrawalCompleted':
    case 'ExternalTransferCompleted':
      return [event.payload.userId];
    default:
      return [];
  }
}
