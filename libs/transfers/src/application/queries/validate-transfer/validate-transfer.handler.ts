import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { GetBalanceQuery, GetLimitsQuery, WalletAccess } from '#monay/wallet';
import { Money } from '#monay/kernel';
import { AppConfig } from '#monay/shared';
import { FeeSchedule } from '../../../domain/fee-schedule';
import { RecipientResolver } from '../../recipient-resolver';
import { TransferCheck, ValidateTransferQuery } from './validate-transfer.query';

@QueryHandler(ValidateTransferQuery)
export class ValidateTransferHandler implements IQueryHandler<ValidateTransferQuery> {
  private readonly fees: FeeSchedule;

  constructor(
    private readonly recipients: RecipientResolver,
    private readonly wallets: WalletAccess,
    private readonly queries: QueryBus,
    config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  async execute({ senderId, to, amount }: ValidateTransferQuery): Promise<TransferCheck> {
    const [recipient] = await this.recipients.resolveMany(senderId, [to]);
    if (!recipient.ok) throw recipient.error;
    const fee = this.fees.p2p(amount.currency.code);
    const [balance, limits] = await Promise.all([
      this.queries.execute(new GetBalanceQuery(senderId)),
      this.queries.execute(new GetLimitsQuery(senderId)),
    ]);
    const code = amount.currency.code;
    const available = Money.parse(balance.balances.find((b) => b.currency === code)?.available ?? '0', code);
    const usd = this.wallets.usdValue(amount.plus(fee));
    const withinLimits =
      !usd.greaterThan(Money.parse(limits.perTransaction, 'USD')) &&
      !usd.greaterThan(Money.parse(limits.daily.remaining, 'USD')) &&
      !usd.greaterThan(Money.parse(limits.monthly.remaining, 'USD'));
    const checks = {
      sufficientFunds: !amount.plus(fee).greaterThan(available),
      withinLimits,
      velocityOk: limits.velocity.usedThisHour < limits.velocity.maxPerHour,
    };
    return {
      valid: checks.sufficientFunds && checks.withinLimits && checks.velocityOk,
      recipient: { id: recipient.userId, displayName: recipient.displayName },
      amount: amount.toDecimalString(),
      currency: code,
      fee: fee.toDecimalString(),
      checks,
    };
  }
}
