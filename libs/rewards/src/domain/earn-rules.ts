/**
 * Earn rules are data: what earns points, how many, and how long they stay pending. The earner turns each domain
 * event into a {@link RewardFact} and evaluates every rule on it; an earn is idempotent per (rule, source key).
 * `REWARDS_RULES` (JSON, the same shape) replaces the defaults below.
 */

/** What happened, as rewards sees it. Amounts are USD cents. */
export type RewardFact =
  | { kind: 'deposit'; userId: string; ref: string; usdCents: bigint; first: boolean }
  | {
      kind: 'p2p_sent';
      userId: string;
      ref: string;
      usdCents: bigint;
      counterpartyId: string;
      /** The recipient paid this sender recently, or it is the sender: money going round never earns. */
      circular: boolean;
    }
  | {
      kind: 'card_spend';
      userId: string;
      /** The authorization: what a refund of it claws back. */
      ref: string;
      /** One clearing of it (an authorization may clear several times). */
      key: string;
      usdCents: bigint;
      mcc: string | null;
    };

export type FactKind = RewardFact['kind'];

export interface EarnRule {
  id: string;
  on: FactKind;
  description: string;
  /** A fixed number of points, or points per whole US dollar (capped per event by `max`). */
  points: { fixed: number } | { perUsd: number; max?: number };
  /** Per merchant category code (card spend): points per dollar instead of the rule's. */
  perUsdByMcc?: Record<string, number>;
  /** The least amount that earns, in USD (e.g. "10.00"). */
  minUsd?: string;
  /** `first`: only the member's first fact of this kind earns (the first deposit bonus). */
  only?: 'first';
  /** Hours the points stay pending before they can be spent (a refund or return in that time cancels them). */
  lockHours: number;
}

export const DEFAULT_EARN_RULES: readonly EarnRule[] = [
  {
    id: 'first-deposit-bonus',
    on: 'deposit',
    description: 'First deposit of 10 USD or more',
    points: { fixed: 500 },
    minUsd: '10.00',
    only: 'first',
    lockHours: 72,
  },
  {
    id: 'p2p-sent',
    on: 'p2p_sent',
    description: '1 point per dollar sent to another member (up to 100 per transfer)',
    points: { perUsd: 1, max: 100 },
    minUsd: '1.00',
    lockHours: 24,
  },
  {
    id: 'card-spend',
    on: 'card_spend',
    description: '2 points per dollar of card spend, 3 at supermarkets and restaurants',
    points: { perUsd: 2 },
    perUsdByMcc: { '5411': 3, '5812': 3, '5814': 3 },
    lockHours: 168,
  },
];

/** One earn a rule grants for a fact. */
export interface EarnGrant {
  ruleId: string;
  /** With the rule id, what makes the earn happen once: the source's reference. */
  sourceKey: string;
  points: bigint;
  lockHours: number;
  reason: string;
}

function cents(usd: string): bigint {
  const [whole, fraction = ''] = usd.split('.');
  return BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
}

/** Pure: the earns `fact` gives under `rules`. */
export function evaluateRules(rules: readonly EarnRule[], fact: RewardFact): EarnGrant[] {
  if (fact.kind === 'p2p_sent' && (fact.circular || fact.counterpartyId === fact.userId)) return [];
  const grants: EarnGrant[] = [];
  for (const rule of rules) {
    if (rule.on !== fact.kind) continue;
    if (rule.minUsd !== undefined && fact.usdCents < cents(rule.minUsd)) continue;
    if (rule.only === 'first' && !(fact.kind === 'deposit' && fact.first)) continue;
    let points: bigint;
    if ('fixed' in rule.points) {
      points = BigInt(rule.points.fixed);
    } else {
      const mcc = fact.kind === 'card_spend' ? fact.mcc : null;
      const rate = BigInt((mcc !== null ? rule.perUsdByMcc?.[mcc] : undefined) ?? rule.points.perUsd);
      points = (fact.usdCents / 100n) * rate;
      if (rule.points.max !== undefined && points > BigInt(rule.points.max)) points = BigInt(rule.points.max);
    }
    if (points <= 0n) continue;
    grants.push({
      ruleId: rule.id,
      sourceKey: rule.only === 'first' ? `user:${fact.userId}` : 'key' in fact ? fact.key : fact.ref,
      points,
      lockHours: rule.lockHours,
      reason: rule.description,
    });
  }
  return grants;
}
