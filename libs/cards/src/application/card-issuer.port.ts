import type { CardMerchant } from '../domain/events';
import type { CardState, CardStateReason } from '../domain/card';

/** A card as the issuer creates it: the only moment the full PAN and CVV cross to us (we seal them at once). */
export interface IssuedCard {
  id: string;
  pan: string;
  cvv: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type IssuerAuthorizationStatus =
  'requested' | 'pending' | 'closed' | 'reversed' | 'expired' | 'declined';

/** One step of an authorization at the issuer (Lithic's transaction events). Amounts in USD cents. */
export interface IssuerAuthorizationEvent {
  id: string;
  type: 'authorization' | 'increment' | 'decline' | 'clearing' | 'reversal' | 'expiry' | 'refund';
  amount: bigint;
  /** Clearings: whether it is the last one (the rest of the hold is released). */
  final: boolean;
  createdAt: Date;
}

/** An authorization as the issuer answers for it now: what a webhook is applied by, never the payload's word. */
export interface IssuerAuthorization {
  id: string;
  cardId: string;
  status: IssuerAuthorizationStatus;
  amount: bigint;
  cleared: bigint;
  refunded: bigint;
  currency: string;
  merchant: CardMerchant;
  events: IssuerAuthorizationEvent[];
}

/**
 * The card issuer (Lithic / Stripe Issuing shaped; architecture.md, "Adding a context" 5). Card creation carries
 * our card id as the idempotency key; lifecycle calls are idempotent at the issuer. Authorizations are decided by
 * us in real time (the issuer calls `POST /api/webhooks/cards/:issuer/authorize`); their later steps reach us as
 * signed webhooks, and we apply what `getAuthorization` answers.
 */
export interface CardIssuer {
  /** The issuer's name, as in the webhook routes (`/api/webhooks/cards/<issuer>`). */
  readonly issuer: string;
  createCard(input: { idempotencyKey: string; replacementFor?: string | null }): Promise<IssuedCard>;
  setState(cardId: string, state: CardState, reason: CardStateReason | null): Promise<void>;
  getAuthorization(authorizationId: string): Promise<IssuerAuthorization | null>;
}

export const CARD_ISSUER = Symbol('CARD_ISSUER');
