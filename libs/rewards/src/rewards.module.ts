import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { GIFT_CARD_PARTNER } from './application/gift-card-partner.port';
import { PointsBook } from './application/points-book';
import { Referrals } from './application/referrals';
import { RewardsEarner } from './application/rewards-earner';
import { RewardsService } from './application/rewards-service';
import { RewardsDueWorkProcessor } from './infrastructure/rewards-due-work.processor';
import { RewardsRepository } from './infrastructure/rewards.repository';
import { SandboxGiftCards } from './infrastructure/sandbox/sandbox-gift-cards';
import { AdminRewardsController } from './interface/http/admin-rewards.controller';
import { ReferralsController } from './interface/http/referrals.controller';
import { RewardsController } from './interface/http/rewards.controller';

/**
 * Rewards (docs/architecture.md, "Rewards"): points in the ledger (`PTS`), earn rules on domain events, lock
 * periods, expiry, clawback, the catalog and redemption, achievements, levels, streaks and referrals.
 */
@Module({
  imports: [LedgerModule, WalletModule, IdentityModule],
  controllers: [RewardsController, ReferralsController, AdminRewardsController],
  providers: [
    RewardsRepository,
    PointsBook,
    RewardsEarner,
    RewardsService,
    Referrals,
    RewardsDueWorkProcessor,
    SandboxGiftCards,
    { provide: GIFT_CARD_PARTNER, useExisting: SandboxGiftCards },
  ],
})
export class RewardsModule {}
