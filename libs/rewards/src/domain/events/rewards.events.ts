/*
 * The rewards context's events, written to the outbox in the transaction of the change they describe. Points are
 * decimal strings of whole points; money amounts are decimal strings in `currency`.
 */

/** Points were earned (pending until `availableAt`, or available at once). */
export const RewardPointsEarned = 'RewardPointsEarned' as const;

export interface RewardPointsEarnedPayload extends Record<string, unknown> {
  userId: string;
  earnId: string;
  ruleId: string;
  points: string;
  status: 'pending' | 'available';
  reason: string;
  availableAt: string;
}

/** The member's level changed (it only goes up). */
export const RewardLevelChanged = 'RewardLevelChanged' as const;

export interface RewardLevelChangedPayload extends Record<string, unknown> {
  userId: string;
  from: string;
  to: string;
  lifetimePoints: string;
  perk: string;
  at: string;
}

/** An achievement was unlocked (once per member). */
export const RewardAchievementUnlocked = 'RewardAchievementUnlocked' as const;

export interface RewardAchievementUnlockedPayload extends Record<string, unknown> {
  userId: string;
  achievementId: string;
  name: string;
  points: string;
  at: string;
}

/** Points will expire soon (told once per earn, 30 days before). */
export const RewardPointsExpiring = 'RewardPointsExpiring' as const;

export interface RewardPointsExpiringPayload extends Record<string, unknown> {
  userId: string;
  points: string;
  expiresAt: string;
}

/** Earned points were taken back because their source was reversed (a refund, a return). */
export const RewardPointsClawedBack = 'RewardPointsClawedBack' as const;

export interface RewardPointsClawedBackPayload extends Record<string, unknown> {
  userId: string;
  earnId: string;
  points: string;
  /** `cancelled` while still pending; `clawed_back` once available (the balance may go negative, within a bound). */
  outcome: 'cancelled' | 'clawed_back';
  reason: string;
}

/** A referral was decided: both members were rewarded (approved), or it was rejected with a reason. */
export const ReferralDecided = 'ReferralDecided' as const;

export interface ReferralDecidedPayload extends Record<string, unknown> {
  referralId: string;
  referrerId: string;
  referredId: string;
  status: 'approved' | 'rejected';
  reason: string | null;
  referrerPoints: string;
  referredPoints: string;
}

/** A cashback redemption credited the wallet (a money movement: history, portfolio, balance). */
export const RewardCashbackCredited = 'RewardCashbackCredited' as const;

export interface RewardCashbackCreditedPayload extends Record<string, unknown> {
  redemptionId: string;
  userId: string;
  itemId: string;
  currency: string;
  amount: string;
  points: string;
  ledgerTransactionId: string;
  completedAt: string;
}
