import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WalletAccess, WalletReports } from '#monay/wallet';
import { Money } from '#monay/kernel';
import { ExternalPayments, InvalidExternalAddressError } from '#monay/providers';
import { AppConfig } from '#monay/shared';
import { FeeSchedule } from '../../../domain/fee-schedule';
import { classifyRecipient, maskRecipient } from '../../../domain/recipient-ref';
import { RecipientNotFoundError } from '../../../domain/transfer.errors';
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
    private readonly walletReports: WalletReports,
    private readonly payments: ExternalPayments,
    config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  async execute({ senderId, to, amount }: ValidateTransferQuery): Promise<TransferCheck> {
    const ref = classifyRecipient(to);
    if (ref.kind === 'invalid_address') throw new InvalidExternalAddressError('to');
    if (ref.kind === 'external') {
      const estimate = await this.payments.estimate(senderId, amount);
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
    // Constant work: an unknown recipient is not a short cut. Whether or not a user matches, the answer costs
    // the same queries (one user lookup that always runs, then the sender's balance and limits), has the same
    // status (200) and the same shape, and shows the same masked form of what was typed; only
    // `checks.recipientFound` (and so `valid`) differs. So neither the status, the body's shape nor the time
    // taken tells more than that flag, and the flag costs a lookup of the hourly budget
    // (RECIPIENT_LOOKUP_LIMIT_PER_HOUR, counted at the route).
    const [recipient] = await this.recipients.resolveMany(senderId, [to]);
    if (!recipient.ok && !(recipient.error instanceof RecipientNotFoundError)) throw recipient.error;
    const fee = this.fees.p2p(amount.currency.code);
    const checks = {
      recipientFound: recipient.ok,
      ...(await this.checks(senderId, amount, amount.plus(fee))),
    };
    return {
      valid: Object.values(checks).every(Boolean),
      recipient: { displayName: maskRecipient(to) },
      amount: amount.toDecimalString(),
      currency: amount.currency.code,
      fee: fee.toDecimalString(),
      checks,
    };
  }

  /** Whether `debit` (amount + fee) fits the available balance, the limits and the hourly velocity. */
  private async checks(senderId: string, amount: Money, debit: Money) {
    const [balance, limits] = await Promise.all([
      this.walletReports.balance(senderId),
      this.walletReports.limits(senderId),
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
