/** A purchase's merchant, as the card network describes it. */
export interface CardMerchant {
  name: string;
  /** Merchant category code (4 digits). */
  mcc: string;
  city: string | null;
  country: string | null;
}

interface CardMovementBase {
  authorizationId: string;
  cardId: string;
  userId: string;
  last4: string;
  /** The funding stablecoin: amounts below are in it (1 USD = 1 unit). */
  currency: string;
  merchant: CardMerchant;
}

/** Approved in real time: `amount` (for an increment, the new total) is held on the wallet. */
export interface CardAuthorizationApprovedPayload extends CardMovementBase {
  /** What this approval added to the hold. */
  amount: string;
  /** The authorization's total now held. */
  held: string;
  incremental: boolean;
}

/** Declined in real time, with a stable code (CARD_PAUSED, CARD_LIMIT, INSUFFICIENT_FUNDS, MCC_BLOCKED, …). */
export interface CardAuthorizationDeclinedPayload extends CardMovementBase {
  amount: string;
  code: string;
  incremental: boolean;
}

/**
 * A clearing (capture): `debited` left the wallet (the hold posted, plus any over-capture), `receivable` is what
 * the wallet could not cover of an over-capture (booked as owed), `released` went back to available.
 */
export interface CardAuthorizationClearedPayload extends CardMovementBase {
  amount: string;
  debited: string;
  receivable: string;
  released: string;
  /** Cleared so far on this authorization. */
  clearedTotal: string;
  /** Still held for further clearings (0 after a final one). */
  held: string;
  final: boolean;
}

/** Reversed by the merchant, expired uncaptured, or declined late by the network: `released` is back. */
export interface CardAuthorizationReleasedPayload extends CardMovementBase {
  reason: 'reversal' | 'expiry' | 'network_decline';
  released: string;
  held: string;
  clearedTotal: string;
}

/** A merchant's refund, credited to the wallet. */
export interface CardRefundedPayload extends CardMovementBase {
  refundId: string;
  amount: string;
  /** What the authorization cleared in all: a refund takes back `amount` of it (rewards claw back that share). */
  clearedTotal: string;
}

/** A card was issued (a replacement names the card it replaces). */
export interface CardIssuedPayload {
  cardId: string;
  userId: string;
  last4: string;
  replacementFor: string | null;
}

/** A card was paused, opened again or closed (with its reason). */
export interface CardStateChangedPayload {
  cardId: string;
  userId: string;
  last4: string;
  from: string;
  to: string;
  reason: string | null;
}
