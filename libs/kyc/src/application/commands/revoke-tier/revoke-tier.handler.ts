import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '#monay/shared';
import { TIER_NAMES, WalletAccess } from '#monay/wallet';
import { KycNothingToRevokeError, KycUserNotFoundError } from '../../../domain/kyc.errors';
import { KycTiers } from '../../kyc-tiers';
import { RevokeTierCommand, type TierRevoked } from './revoke-tier.command';

@CommandHandler(RevokeTierCommand)
export class RevokeTierHandler implements ICommandHandler<RevokeTierCommand> {
  constructor(
    private readonly wallets: WalletAccess,
    private readonly tiers: KycTiers,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({ userId, reason, adminId }: RevokeTierCommand): Promise<TierRevoked> {
    // A user without a wallet has never used the wallet, and holds only Basic: unknown here.
    if (!(await this.wallets.findByUserId(userId))) throw new KycUserNotFoundError();
    const change = await this.uow.run((tx) => this.tiers.lower(tx, userId, reason, adminId));
    if (!change) throw new KycNothingToRevokeError();
    return {
      userId,
      from: { level: change.from, name: TIER_NAMES[change.from] },
      to: { level: change.to, name: TIER_NAMES[change.to] },
      reason,
    };
  }
}
