import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Money } from '#monay/kernel';
import { WalletRepository } from '../../../infrastructure/wallet.repository';
import { periodStarts, WalletAccess } from '../../wallet-access';
import { GetLimitsQuery, LimitsReport } from './get-limits.query';

@QueryHandler(GetLimitsQuery)
export class GetLimitsHandler implements IQueryHandler<GetLimitsQuery> {
  constructor(
    private readonly access: WalletAccess,
    private readonly wallets: WalletRepository,
  ) {}

  async execute({ userId }: GetLimitsQuery): Promise<LimitsReport> {
    const wallet = await this.access.ensureWallet(userId);
    const limits = this.access.limitsOf(wallet);
    const starts = periodStarts(new Date());
    const [day, month, hour, depositDay, depositMonth] = await Promise.all([
      this.wallets.usage(wallet.id, 'day', starts.day),
      this.wallets.usage(wallet.id, 'month', starts.month),
      this.wallets.usage(wallet.id, 'hour', starts.hour),
      this.wallets.usage(wallet.id, 'deposit_day', starts.day),
      this.wallets.usage(wallet.id, 'deposit_month', starts.month),
    ]);
    const window = (limit: Money, usedMinor: bigint) => {
      const used = Money.of(usedMinor, 'USD');
      const remaining = limit.minus(used);
      return {
        limit: limit.toDecimalString(),
        used: used.toDecimalString(),
        remaining: (remaining.isNegative() ? Money.zero('USD') : remaining).toDecimalString(),
      };
    };
    return {
      kycLevel: wallet.kycLevel,
      perTransaction: limits.perTransaction.toDecimalString(),
      daily: window(limits.daily, day.amountUsd),
      monthly: window(limits.monthly, month.amountUsd),
      velocity: { maxPerHour: limits.maxPerHour, usedThisHour: hour.count },
      deposits: {
        perTransaction: limits.deposit.perTransaction.toDecimalString(),
        daily: window(limits.deposit.daily, depositDay.amountUsd),
        monthly: window(limits.deposit.monthly, depositMonth.amountUsd),
      },
      currency: 'USD',
    };
  }
}
