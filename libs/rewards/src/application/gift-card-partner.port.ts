/**
 * The gift card partners' catalogue (a sandbox stands in, as for every vendor): issues codes for a redemption.
 * Idempotent per (redemption, index): asked again, it gives the same codes.
 */
export interface GiftCardPartner {
  issue(partner: string, redemptionId: string, quantity: number): Promise<string[]>;
}

export const GIFT_CARD_PARTNER = Symbol('GIFT_CARD_PARTNER');
