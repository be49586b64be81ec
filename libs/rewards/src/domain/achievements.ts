/** Achievements are data: a counter reaching a target unlocks one, once, with its points (available at once). */
export type RewardCounter =
  'p2p_sent' | 'deposits' | 'distinct_recipients' | 'identity_verified' | 'card_spend' | 'streak_weeks';

export interface AchievementDefinition {
  id: string;
  name: string;
  description: string;
  counter: RewardCounter;
  target: number;
  points: bigint;
}

export const ACHIEVEMENTS: readonly AchievementDefinition[] = [
  {
    id: 'first-transfer',
    name: 'First transfer',
    description: 'Send money to another member',
    counter: 'p2p_sent',
    target: 1,
    points: 100n,
  },
  {
    id: 'first-deposit',
    name: 'First deposit',
    description: 'Add money to your wallet',
    counter: 'deposits',
    target: 1,
    points: 100n,
  },
  {
    id: 'ten-transfers',
    name: 'Regular',
    description: 'Send 10 transfers',
    counter: 'p2p_sent',
    target: 10,
    points: 250n,
  },
  {
    id: 'five-recipients',
    name: 'Connector',
    description: 'Pay 5 different members',
    counter: 'distinct_recipients',
    target: 5,
    points: 250n,
  },
  {
    id: 'verified-identity',
    name: 'Verified',
    description: 'Verify your identity',
    counter: 'identity_verified',
    target: 1,
    points: 200n,
  },
  {
    id: 'first-card-purchase',
    name: 'First card purchase',
    description: 'Pay with your Monay card',
    counter: 'card_spend',
    target: 1,
    points: 100n,
  },
  {
    id: 'four-week-streak',
    name: 'On a roll',
    description: 'Four weeks in a row with a transfer or a deposit',
    counter: 'streak_weeks',
    target: 4,
    points: 300n,
  },
];

/** The achievements `counter` reaching `value` unlocks (the caller unlocks each once). */
export function achievementsReached(counter: RewardCounter, value: number): AchievementDefinition[] {
  return ACHIEVEMENTS.filter((achievement) => achievement.counter === counter && value >= achievement.target);
}
