import type { Card, CardUsage } from '../domain/card';
import { usd } from './card-money';

/** A card as clients see it: never the PAN or CVV, only the last 4. Limits and usage in USD. */
export interface CardView {
  id: string;
  nickname: string;
  state: string;
  stateReason: string | null;
  last4: string;
  expMonth: number;
  expYear: number;
  fundingCurrency: string;
  limits: {
    perAuthorization: string | null;
    daily: string | null;
    monthly: string | null;
    allTime: string | null;
    blockedCategories: string[];
  };
  replacementFor: string | null;
  createdAt: string;
  closedAt: string | null;
  usage?: { daily: string; monthly: string; allTime: string };
}

export function cardView(card: Card, usage?: CardUsage): CardView {
  const limit = (value: bigint | null) => (value === null ? null : usd(value));
  return {
    id: card.id,
    nickname: card.nickname,
    state: card.state,
    stateReason: card.stateReason,
    last4: card.last4,
    expMonth: card.expMonth,
    expYear: card.expYear,
    fundingCurrency: card.fundingCurrency,
    limits: {
      perAuthorization: limit(card.limits.perAuthorization),
      daily: limit(card.limits.daily),
      monthly: limit(card.limits.monthly),
      allTime: limit(card.limits.allTime),
      blockedCategories: card.limits.blockedCategories,
    },
    replacementFor: card.replacementFor,
    createdAt: card.createdAt.toISOString(),
    closedAt: card.closedAt?.toISOString() ?? null,
    ...(usage && {
      usage: { daily: usd(usage.daily), monthly: usd(usage.monthly), allTime: usd(usage.allTime) },
    }),
  };
}
