import { Query } from '@nestjs/cqrs';
import type { TierAllowance } from '#monay/wallet';
import type { InquiryProgress } from '../../kyc-progress';

export interface KycStatus {
  tier: { level: number; name: string };
  features: string[];
  /** The latest verification (open or not), or null when the user never started one. */
  inquiry: InquiryProgress | null;
  /** Each tier above the user's and what it unlocks. */
  nextTiers: TierAllowance[];
}

export class GetKycStatusQuery extends Query<KycStatus> {
  constructor(readonly userId: string) {
    super();
  }
}
