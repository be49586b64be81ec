import { Money } from '#monay/kernel';

/** What deposits may bring in at a KYC level, in USD (counted apart from what is sent). */
export interface DepositLimits {
  perTransaction: Money;
  daily: Money;
  monthly: Money;
}

/** A KYC level's limits: amounts in USD, velocity in transfers per hour. */
export interface TierLimits {
  perTransaction: Money;
  daily: Money;
  monthly: Money;
  maxPerHour: number;
  /** Deposits: by default the level's own amounts (a `deposit` override changes them alone). */
  deposit: DepositLimits;
}

export type KycLevel = 1 | 2 | 3;

type Amounts = Partial<Record<'perTransaction' | 'daily' | 'monthly', string>>;
type TierOverride = Amounts & { maxPerHour?: number; deposit?: Amounts };

const DEFAULTS: Record<
  KycLevel,
  { perTransaction: string; daily: string; monthly: string; maxPerHour: number }
> = {
  1: { perTransaction: '1000.00', daily: '1000.00', monthly: '30000.00', maxPerHour: 30 },
  2: { perTransaction: '10000.00', daily: '10000.00', monthly: '100000.00', maxPerHour: 60 },
  3: { perTransaction: '50000.00', daily: '50000.00', monthly: '500000.00', maxPerHour: 120 },
};

/**
 * Tier limits (USD) per KYC level: level 1 daily 1,000 / monthly 30,000; level 2 10,000 / 100,000; level 3
 * 50,000 / 500,000. Money out (transfers, withdrawals, external transfers, swaps) and deposits are each counted
 * against them on their own counters: a deposit does not use up what may be sent, nor the other way round.
 */
export class LimitTiers {
  private readonly tiers: Record<KycLevel, TierLimits>;

  constructor(overrides: Partial<Record<'1' | '2' | '3', TierOverride>> = {}) {
    const build = (level: KycLevel): TierLimits => {
      const { deposit, ...override } = overrides[String(level) as '1' | '2' | '3'] ?? {};
      const merged = { ...DEFAULTS[level], ...override };
      const amounts = { ...merged, ...deposit };
      return {
        perTransaction: Money.parse(merged.perTransaction, 'USD'),
        daily: Money.parse(merged.daily, 'USD'),
        monthly: Money.parse(merged.monthly, 'USD'),
        maxPerHour: merged.maxPerHour,
        deposit: {
          perTransaction: Money.parse(amounts.perTransaction, 'USD'),
          daily: Money.parse(amounts.daily, 'USD'),
          monthly: Money.parse(amounts.monthly, 'USD'),
        },
      };
    };
    this.tiers = { 1: build(1), 2: build(2), 3: build(3) };
  }

  of(level: number): TierLimits {
    return this.tiers[(level >= 3 ? 3 : level <= 1 ? 1 : 2) as KycLevel];
  }
}
