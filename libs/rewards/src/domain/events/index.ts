import { defineEvents } from '#monay/shared';
import type {
  ReferralDecidedPayload,
  RewardAchievementUnlockedPayload,
  RewardCashbackCreditedPayload,
  RewardLevelChangedPayload,
  RewardPointsClawedBackPayload,
  RewardPointsEarnedPayload,
  RewardPointsExpiringPayload,
} from './rewards.events';

export * from './rewards.events';

/** Rewards' money movement: cashback credited to the wallet. */
export interface RewardMovementEvents {
  RewardCashbackCredited: RewardCashbackCreditedPayload;
}

/** Every event of the rewards context (docs/architecture.md, "Events and the outbox"). */
export interface RewardEvents extends RewardMovementEvents {
  RewardPointsEarned: RewardPointsEarnedPayload;
  RewardLevelChanged: RewardLevelChangedPayload;
  RewardAchievementUnlocked: RewardAchievementUnlockedPayload;
  RewardPointsExpiring: RewardPointsExpiringPayload;
  RewardPointsClawedBack: RewardPointsClawedBackPayload;
  ReferralDecided: ReferralDecidedPayload;
}

export const rewardEvents = defineEvents<RewardEvents>('rewards', {
  RewardCashbackCredited: { version: 1 },
  RewardPointsEarned: { version: 1 },
  RewardLevelChanged: { version: 1 },
  RewardAchievementUnlocked: { version: 1 },
  RewardPointsExpiring: { version: 1 },
  RewardPointsClawedBack: { version: 1 },
  ReferralDecided: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends RewardEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface MoneyMovementEvents extends RewardMovementEvents {}
}
