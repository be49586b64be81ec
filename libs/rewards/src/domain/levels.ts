/** Levels from lifetime points (what was ever vested, less what was clawed back); each has a perk. */
export type RewardLevel = 'bronze' | 'silver' | 'gold' | 'platinum';

export interface LevelDefinition {
  level: RewardLevel;
  /** Lifetime points from which the level is held. */
  from: bigint;
  /** Extra cashback on redemptions, in percent of the item's amount. */
  cashbackBonusPercent: bigint;
  perk: string;
}

export const LEVELS: readonly LevelDefinition[] = [
  {
    level: 'bronze',
    from: 0n,
    cashbackBonusPercent: 0n,
    perk: 'Earn points on deposits, transfers and card spend',
  },
  {
    level: 'silver',
    from: 1_000n,
    cashbackBonusPercent: 0n,
    perk: 'Silver catalog items (bookshop gift cards)',
  },
  {
    level: 'gold',
    from: 5_000n,
    cashbackBonusPercent: 10n,
    perk: '10% more cashback on every cashback redemption',
  },
  {
    level: 'platinum',
    from: 20_000n,
    cashbackBonusPercent: 25n,
    perk: '25% more cashback on every cashback redemption',
  },
];

const ORDER: Record<RewardLevel, number> = { bronze: 0, silver: 1, gold: 2, platinum: 3 };

export function levelFor(lifetimePoints: bigint): LevelDefinition {
  let held = LEVELS[0];
  for (const level of LEVELS) if (lifetimePoints >= level.from) held = level;
  return held;
}

export function definitionOf(level: RewardLevel): LevelDefinition {
  return LEVELS[ORDER[level]];
}

/** Whether `level` is at least `required`. */
export function atLeast(level: RewardLevel, required: RewardLevel): boolean {
  return ORDER[level] >= ORDER[required];
}

export function isRewardLevel(value: string): value is RewardLevel {
  return Object.hasOwn(ORDER, value);
}

/** The next level and the lifetime points still needed, or null at the top. */
export function nextLevel(lifetimePoints: bigint): { level: RewardLevel; pointsNeeded: bigint } | null {
  const next = LEVELS.find((definition) => definition.from > lifetimePoints);
  return next ? { level: next.level, pointsNeeded: next.from - lifetimePoints } : null;
}
