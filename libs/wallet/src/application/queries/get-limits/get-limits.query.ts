import { Query } from '@nestjs/cqrs';
import type { TierFeature } from '#monay/shared';

/** One limit's headroom: the limit, what is used of it, what remains, and when the window starts again. */
export interface LimitWindow {
  limit: string;
  used: string;
  remaining: string;
  /** ISO 8601 (UTC): when this window's usage starts again from zero. */
  resetsAt: string;
}

/** What a tier allows (the next one's, in {@link LimitsReport.nextTier}). */
export interface TierAllowance {
  level: number;
  name: string;
  perTransaction: string;
  daily: string;
  monthly: string;
  maxPerHour: number;
  deposits: { perTransaction: string; daily: string; monthly: string };
  features: TierFeature[];
}

export interface LimitsReport {
  kycLevel: number;
  /** The user's tier and what it unlocks. */
  tier: { level: number; name: string };
  features: TierFeature[];
  perTransaction: string;
  daily: LimitWindow;
  monthly: LimitWindow;
  velocity: { maxPerHour: number; usedThisHour: number; resetsAt: string };
  /** Deposits, counted apart from what is sent. */
  deposits: {
    perTransaction: string;
    daily: LimitWindow;
    monthly: LimitWindow;
  };
  /** What the next tier would allow (null at the top). */
  nextTier: TierAllowance | null;
  currency: 'USD';
}

export class GetLimitsQuery extends Query<LimitsReport> {
  constructor(readonly userId: string) {
    super();
  }
}
