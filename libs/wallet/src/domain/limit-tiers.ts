import { Money } from '#monay/kernel';
import type { TierFeature } from '#monay/shared';

/** What deposits may bring in at a KYC level, in USD (counted apart from what is sent). */
export interface DepositLimits {
  perTransaction: Money;
  daily: Money;
  monthly: Money;
}

/** A KYC level's limits: amounts in USD, velocity in transfers per hour; and the features it unlocks. */
export interface TierLimits {
  level: KycLevel;
  name: TierName;
  perTransaction: Money;
  daily: Money;
  monthly: Money;
  maxPerHour: number;
  /** Deposits: by default the level's own amounts (a `deposit` override changes them alone). */
  deposit: DepositLimits;
  features: readonly TierFeature[];
}

export type KycLevel = 1 | 2 | 3;

/** The tiers' names (libs/kyc): every user is Basic; Verified once identity is approved; Premium with more proof. */
export type TierName = 'basic' | 'verified' | 'premium';
export const TIER_NAMES: Record<KycLevel, TierName> = { 1: 'basic', 2: 'verified', 3: 'premium' };

type Amounts = Partial<Record<'perTransaction' | 'daily' | 'monthly', string>>;
type TierOverride = Amounts & { maxPerHour?: number; deposit?: Amounts; features?: TierFeature[] };

/** What every user could do before tiers had features: Basic keeps it all (nobody loses a feature). */
const BASIC_FEATURES: TierFeature[] = ['p2p', 'deposits', 'withdrawals', 'external_transfers', 'swaps'];

const DEFAULTS: Record<
  KycLevel,
  { perTransaction: string; daily: string; monthly: string; maxPerHour: number; features: TierFeature[] }
> = {
  1: {
    perTransaction: '1000.00',
    daily: '1000.00',
    monthly: '30000.00',
    maxPerHour: 30,
    features: BASIC_FEATURES,
  },
  2: {
    perTransaction: '10000.00',
    daily: '10000.00',
    monthly: '100000.00',
    maxPerHour: 60,
    features: [...BASIC_FEATURES, 'bank_transfers', 'virtual_cards'],
  },
  3: {
    perTransaction: '50000.00',
    daily: '50000.00',
    monthly: '500000.00',
    maxPerHour: 120,
    features: [...BASIC_FEATURES, 'bank_transfers', 'virtual_cards', 'wires'],
  },
};

/**
 * The one tier table (limits and features per KYC level), overridable with `LIMIT_TIERS`. Level 1 (Basic) daily
 * 1,000 / monthly 30,000 USD; level 2 (Verified) 10,000 / 100,000; level 3 (Premium) 50,000 / 500,000. Money out
 * (transfers, withdrawals, external transfers, swaps) and deposits are each counted against them on their own
 * counters: a deposit does not use up what may be sent, nor the other way round. Every feature gate reads
 * {@link LimitTiers.requiredFor} and the wallet's level.
 */
export class LimitTiers {
  private readonly tiers: Record<KycLevel, TierLimits>;

  constructor(overrides: Partial<Record<'1' | '2' | '3', TierOverride>> = {}) {
    const build = (level: KycLevel): TierLimits => {
      const { deposit, ...override } = overrides[String(level) as '1' | '2' | '3'] ?? {};
      const merged = { ...DEFAULTS[level], ...override };
      const amounts = { ...merged, ...deposit };
      return {
        level,
        name: TIER_NAMES[level],
        perTransaction: Money.parse(merged.perTransaction, 'USD'),
        daily: Money.parse(merged.daily, 'USD'),
        monthly: Money.parse(merged.monthly, 'USD'),
        maxPerHour: merged.maxPerHour,
        deposit: {
          perTransaction: Money.parse(amounts.perTransaction, 'USD'),
          daily: Money.parse(amounts.daily, 'USD'),
          monthly: Money.parse(amounts.monthly, 'USD'),
        },
        features: [...new Set(merged.features)],
      };
    };
    this.tiers = { 1: build(1), 2: build(2), 3: build(3) };
  }

  of(level: number): TierLimits {
    return this.tiers[levelOf(level)];
  }

  /** The tier above `level`, or null at the top. */
  next(level: number): TierLimits | null {
    const current = levelOf(level);
    return current === 3 ? null : this.tiers[(current + 1) as KycLevel];
  }

  /** The lowest level that unlocks `feature`, or null when no tier does. */
  requiredFor(feature: TierFeature): KycLevel | null {
    for (const level of [1, 2, 3] as const) {
      if (this.tiers[level].features.includes(feature)) return level;
    }
    return null;
  }
}

export function levelOf(level: number): KycLevel {
  return (level >= 3 ? 3 : level <= 1 ? 1 : 2) as KycLevel;
}
