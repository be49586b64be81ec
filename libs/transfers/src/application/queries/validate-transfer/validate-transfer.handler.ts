import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { GetBalanceQuery, GetLimitsQuery, WalletAccess } from '#monay/wallet';
import { Money } from '#monay/kernel';
import { EstimateExternalTransferQuery, InvalidExternalAddressError } from '#monay/providers';
import { AppConfig } from '#monay/shared';
import { FeeSchedule } from '../../../domain/fee-schedule';
import { classifyRecipient } from '../../../domain/recipient-ref';
import { RecipientResolver } from '../../recipient-resolver';
import { TransferCheck, ValidateTransferQuery } from './validate-transfer.query';

/**
 * A dry run of a send. To a Monay user: Monay's P2P fee. To an external 0x address: the router's plan for an
 * external transfer — the fee of the provider it would try first, and the checks made against what a send
 * would hold (the amount + the highest fee a candidate may charge).
 */
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
    const ref = classifyRecipient(to);
    if (ref.kind === 'invalid_address') throw new InvalidExternalAddressError('to');
    if (ref.kind === 'external') {
      const estimate = await this.queries.execute(new EstimateExternalTransferQuery(senderId, amount));
      const held = amount.plus(Money.parse(estimate.maxFee, amount.currency.code));
      const checks = {
        ...(await this.checks(senderId, amount, held)),
        providerAvailable: estimate.provider !== null,
      };
      return {
        valid: Object.values(checks).every(Boolean),
        recipient: { external: true, address: ref.value },
        amount: amount.toDecimalString(),
        currency: amount.currency.code,
        fee: estimate.fee ?? estimate.maxFee,
        provider: estimate.provider,
        maxFee: estimate.maxFee,
        checks,
      };
    }
    const [recipient] = await this.recipients.resolveMany(senderId, [to]);
    if (!recipient.ok) throw recipient.error;
    const fee = this.fees.p2p(amount.currency.code);
    const checks = await this.checks(senderId, amount, amount.plus(fee));
    return {
      valid: checks.sufficientFunds && checks.withinLimits && checks.velocityOk,
      recipient: { id: recipient.userId, displayName: recipient.displayName },
      amount: amount.toDecimalString(),
      currency: amount.currency.code,
      fee: fee.toDecimalString(),
      checks,
    };
  }

  /** Whether `debit` (amount + fee) fits the available balance, the limits and the hourly velocity. */
  private async checks(senderId: string, amount: Money, debit: Money) {
    const [balance, limits] = await Promise.all([
      this.queries.execute(new GetBalanceQuery(senderId)),
      this.queries.execute(new GetLimitsQuery(senderId)),
    ]);
    const code = amount.currency.code;
    const available = Money.parse(balance.balances.find((b) => b.currency === code)?.available ?? '0', code);
    const usd = this.wallets.usdValue(debit);
    const withinLimits =
      !usd.greaterThan(Money.parse(limits.perTransaction, 'USD')) &&
      !usd.greaterThan(Money.parse(limits.daily.remaining, 'USD')) &&
      !usd.greaterThan(Money.parse(limits.monthly.remaining, 'USD'));
    return {
      sufficientFunds: !debit.greaterThan(available),
      withinLimits,
      velocityOk: limits.velocity.usedThisHour < limits.velocity.maxPerHour,
    };
  }
}
