import { Money } from '#monay/kernel';

/** A KYC level's limits: amounts in USD, velocity in transfers per hour. */
export interface TierLimits {
  perTransaction: Money;
  daily: Money;
  monthly: Money;
  maxPerHour: number;
}

export type KycLevel = 1 | 2 | 3;

type TierOverride = Partial<Record<'perTransaction' | 'daily' | 'monthly', string> & { maxPerHour: number }>;

const DEFAULTS: Record<
  KycLevel,
  { perTransaction: string; daily: string; monthly: string; maxPerHour: number }
> = {
  1: { perTransaction: '1000.00', daily: '1000.00', monthly: '30000.00', maxPerHour: 30 },
  2: { perTransaction: '10000.00', daily: '10000.00', monthly: '100000.00', maxPerHour: 60 },
  3: { perTransaction: '50000.00', daily: '50000.00', monthly: '500000.00', maxPerHour: 120 },
};

/** Tier limits (USD) per KYC level: level 1 daily 1,000 / monthly 30,000; level 2 10,000 / 100,000; level 3 50,000 / 500,000. */
export class LimitTiers {
  private readonly tiers: Record<KycLevel, TierLimits>;

  constructor(overrides: Partial<Record<'1' | '2' | '3', TierOverride>> = {}) {
    const build = (level: KycLevel): TierLimits => {
      const merged = { ...DEFAULTS[level], ...overrides[String(level) as '1' | '2' | '3'] };
      return {
        perTransaction: Money.parse(merged.perTransaction, 'USD'),
        daily: Money.parse(merged.daily, 'USD'),
        monthly: Money.parse(merged.monthly, 'USD'),
        maxPerHour: merged.maxPerHour,
      };
    };
    this.tiers = { 1: build(1), 2: build(2), 3: build(3) };
  }

  of(level: number): TierLimits {
    return this.tiers[(level >= 3 ? 3 : level <= 1 ? 1 : 2) as KycLevel];
  }
}
