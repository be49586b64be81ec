import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Money } from '#monay/kernel';
import type { TierLimits } from '../../../domain/limit-tiers';
import { WalletRepository } from '../../../infrastructure/wallet.repository';
import { periodStarts, WalletAccess } from '../../wallet-access';
import { GetLimitsQuery, LimitsReport, LimitWindow, TierAllowance } from './get-limits.query';

const HOUR = 3_600_000;

@QueryHandler(GetLimitsQuery)
export class GetLimitsHandler implements IQueryHandler<GetLimitsQuery> {
  constructor(
    private readonly access: WalletAccess,
    private readonly wallets: WalletRepository,
  ) {}

  async execute({ userId }: GetLimitsQuery): Promise<LimitsReport> {
    const wallet = await this.access.ensureWallet(userId);
    const limits = this.access.limitsOf(wallet);
    const tier = this.access.tiers.of(wallet.kycLevel);
    const next = this.access.tiers.next(wallet.kycLevel);
    // The same clock as the counters: every path counts in the periods of the application's clock (the sandbox
    // clock, when it was advanced), and a report in real time missed what an advanced clock had counted in the
    // next day near midnight.
    const starts = periodStarts(this.access.clock.now());
    const resets = {
      hour: new Date(starts.hour.getTime() + HOUR).toISOString(),
      day: new Date(starts.day.getTime() + 24 * HOUR).toISOString(),
      month: new Date(
        Date.UTC(starts.month.getUTCFullYear(), starts.month.getUTCMonth() + 1, 1),
      ).toISOString(),
    };
    const [day, month, hour, depositDay, depositMonth] = await Promise.all([
      this.wallets.usage(wallet.id, 'day', starts.day),
      this.wallets.usage(wallet.id, 'month', starts.month),
      this.wallets.usage(wallet.id, 'hour', starts.hour),
      this.wallets.usage(wallet.id, 'deposit_day', starts.day),
      this.wallets.usage(wallet.id, 'deposit_month', starts.month),
    ]);
    const window = (limit: Money, usedMinor: bigint, resetsAt: string): LimitWindow => {
      const used = Money.of(usedMinor, 'USD');
      const remaining = limit.minus(used);
      return {
        limit: limit.toDecimalString(),
        used: used.toDecimalString(),
        remaining: (remaining.isNegative() ? Money.zero('USD') : remaining).toDecimalString(),
        resetsAt,
      };
    };
    return {
      kycLevel: wallet.kycLevel,
      tier: { level: tier.level, name: tier.name },
      features: [...tier.features],
      perTransaction: limits.perTransaction.toDecimalString(),
      daily: window(limits.daily, day.amountUsd, resets.day),
      monthly: window(limits.monthly, month.amountUsd, resets.month),
      velocity: { maxPerHour: limits.maxPerHour, usedThisHour: hour.count, resetsAt: resets.hour },
      deposits: {
        perTransaction: limits.deposit.perTransaction.toDecimalString(),
        daily: window(limits.deposit.daily, depositDay.amountUsd, resets.day),
        monthly: window(limits.deposit.monthly, depositMonth.amountUsd, resets.month),
      },
      nextTier: next && allowanceOf(next),
      currency: 'USD',
    };
  }
}

export function allowanceOf(tier: TierLimits): TierAllowance {
  return {
    level: tier.level,
    name: tier.name,
    perTransaction: tier.perTransaction.toDecimalString(),
    daily: tier.daily.toDecimalString(),
    monthly: tier.monthly.toDecimalString(),
    maxPerHour: tier.maxPerHour,
    deposits: {
      perTransaction: tier.deposit.perTransaction.toDecimalString(),
      daily: tier.deposit.daily.toDecimalString(),
      monthly: tier.deposit.monthly.toDecimalString(),
    },
    features: [...tier.features],
  };
}
