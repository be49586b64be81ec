/**
 * A virtual card as we hold it (Lithic's states, Stripe Issuing's spending controls; ../shared/VENDORS.md §2):
 * OPEN spends, PAUSED declines at once and may be opened again, CLOSED is final. Limits are USD minor units
 * (cents): the card network speaks USD, and the funding stablecoin is spent 1:1 (USD stablecoins only).
 */
export type CardState = 'OPEN' | 'PAUSED' | 'CLOSED';
export const CARD_STATE_REASONS = ['lost', 'stolen', 'compromised', 'expired', 'user_request'] as const;
export type CardStateReason = (typeof CARD_STATE_REASONS)[number];

/** The stablecoins a card may spend: USD ones, 1 USD = 1 unit. */
export const FUNDING_CURRENCIES = ['USDC', 'USDT', 'PYUSD'] as const;
export type FundingCurrency = (typeof FUNDING_CURRENCIES)[number];

export interface CardLimits {
  perAuthorization: bigint | null;
  daily: bigint | null;
  monthly: bigint | null;
  allTime: bigint | null;
  /** Four-digit merchant category codes the user blocks. */
  blockedCategories: string[];
}

export interface Card {
  id: string;
  userId: string;
  issuer: string;
  issuerCardId: string;
  nickname: string;
  state: CardState;
  stateReason: CardStateReason | null;
  last4: string;
  expMonth: number;
  expYear: number;
  fundingCurrency: FundingCurrency;
  limits: CardLimits;
  replacementFor: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
}

/** What a card has spent (approved, not reversed), in USD cents, per window. */
export interface CardUsage {
  daily: bigint;
  monthly: bigint;
  allTime: bigint;
}

/** Stable decline codes: what the issuer is told, and what the user's history and notifications say. */
export const DECLINE_CODES = [
  'CARD_PAUSED',
  'CARD_CLOSED',
  'CARD_NOT_FOUND',
  'CARD_LIMIT',
  'TIER_LIMIT',
  'VELOCITY_LIMIT',
  'INSUFFICIENT_FUNDS',
  'MCC_BLOCKED',
  'CURRENCY_NOT_SUPPORTED',
  'ISSUER_TIMEOUT',
  'AUTHORIZATION_NOT_PENDING',
] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];

export interface AuthorizationAsk {
  /** USD cents, positive: the amount asked (for an increment, the increment). */
  amount: bigint;
  currency: string;
  mcc: string;
  /** For an increment: what the authorization already holds (counted in usage already). */
  incremental: boolean;
}

/**
 * The card's own rules on one ask (pure): its state, the currency, the blocked categories and its limits against
 * its usage. Funds and the tier's limits are decided in the same transaction by the caller (the ledger and the
 * wallet know them). Null: the card allows it.
 */
export function cardDecline(card: Card, ask: AuthorizationAsk, usage: CardUsage): DeclineCode | null {
  if (card.state === 'CLOSED') return 'CARD_CLOSED';
  if (card.state === 'PAUSED') return 'CARD_PAUSED';
  if (ask.currency !== 'USD') return 'CURRENCY_NOT_SUPPORTED';
  if (card.limits.blockedCategories.includes(ask.mcc)) return 'MCC_BLOCKED';
  const { perAuthorization, daily, monthly, allTime } = card.limits;
  if (perAuthorization !== null && ask.amount > perAuthorization) return 'CARD_LIMIT';
  if (daily !== null && usage.daily + ask.amount > daily) return 'CARD_LIMIT';
  if (monthly !== null && usage.monthly + ask.amount > monthly) return 'CARD_LIMIT';
  if (allTime !== null && usage.allTime + ask.amount > allTime) return 'CARD_LIMIT';
  return null;
}

/** USD cents → the funding stablecoin's minor units (6 decimals): 1 USD = 1 unit. */
export function fundingMinor(usdCents: bigint): bigint {
  return usdCents * 10_000n;
}

/** Whether `digits` passes the Luhn check (every PAN a network issues does). */
export function luhnValid(digits: string): boolean {
  if (!/^[0-9]{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The check digit that makes `body` + digit Luhn-valid. */
export function luhnCheckDigit(body: string): string {
  for (let digit = 0; digit <= 9; digit += 1) {
    if (luhnValid(`${body}${digit}`)) return String(digit);
  }
  throw new Error('unreachable: one check digit always fits');
}

/** UTC day and month starts of `now`: the windows of a card's daily and monthly limits. */
export function usageWindows(now: Date): { day: Date; month: Date } {
  return {
    day: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())),
    month: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
  };
}
