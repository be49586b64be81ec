import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { StepUp } from '#monay/identity';
import { LimitAboveTierError } from '../../../domain/wallet.errors';
import { WalletRepository } from '../../../infrastructure/wallet.repository';
import { GetLimitsQuery } from '../../queries/get-limits/get-limits.query';
import { WalletAccess } from '../../wallet-access';
import { UpdateLimitsCommand } from './update-limits.command';

@CommandHandler(UpdateLimitsCommand)
export class UpdateLimitsHandler implements ICommandHandler<UpdateLimitsCommand> {
  constructor(
    private readonly access: WalletAccess,
    private readonly wallets: WalletRepository,
    private readonly queries: QueryBus,
    private readonly stepUp: StepUp,
  ) {}

  async execute({ userId, daily, monthly, stepUp }: UpdateLimitsCommand) {
    const wallet = await this.access.ensureWallet(userId);
    const tier = this.access.tiers.of(wallet.kycLevel);
    if (daily?.greaterThan(tier.daily)) throw new LimitAboveTierError('daily', tier.daily.toDecimalString());
    if (monthly?.greaterThan(tier.monthly))
      throw new LimitAboveTierError('monthly', tier.monthly.toDecimalString());
    // Raising a limit (back towards the tier) is a risky change for users with 2FA: a stolen session must not
    // undo the limits its owner set. Lowering never asks.
    const current = this.access.limitsOf(wallet);
    const raises = Boolean(daily?.greaterThan(current.daily) || monthly?.greaterThan(current.monthly));
    if (raises) {
      await this.stepUp.assert({ userId, context: stepUp, operation: 'raise_limits', amountUsd: null });
    }
    await this.wallets.setOwnLimits(userId, { daily: daily?.minor, monthly: monthly?.minor });
    return this.queries.execute(new GetLimitsQuery(userId));
  }
}
