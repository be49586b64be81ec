import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { allowanceOf, WalletAccess } from '#monay/wallet';
import { KycRepository } from '../../../infrastructure/kyc.repository';
import { progressOf } from '../../kyc-progress';
import { GetKycStatusQuery, type KycStatus } from './get-kyc-status.query';

@QueryHandler(GetKycStatusQuery)
export class GetKycStatusHandler implements IQueryHandler<GetKycStatusQuery> {
  constructor(
    private readonly wallets: WalletAccess,
    private readonly repository: KycRepository,
  ) {}

  async execute({ userId }: GetKycStatusQuery): Promise<KycStatus> {
    const wallet = await this.wallets.ensureWallet(userId);
    const tier = this.wallets.tiers.of(wallet.kycLevel);
    const inquiry = (await this.repository.findOpen(userId)) ?? (await this.repository.latest(userId));
    const nextTiers = [];
    for (let next = this.wallets.tiers.next(tier.level); next; next = this.wallets.tiers.next(next.level)) {
      nextTiers.push(allowanceOf(next));
    }
    return {
      tier: { level: tier.level, name: tier.name },
      features: [...tier.features],
      inquiry: inquiry && progressOf(inquiry, await this.repository.documents(inquiry.id)),
      nextTiers,
    };
  }
}
