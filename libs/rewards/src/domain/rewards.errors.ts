import { DomainError } from '#monay/kernel';

/** The points balance (available points, less any points debt) is below the redemption's cost; nothing moved. */
export class InsufficientPointsError extends DomainError {
  readonly code = 'INSUFFICIENT_POINTS';
  readonly kind = 'unprocessable';
  constructor(needed: bigint, available: bigint) {
    super(`The redemption costs ${needed} points; ${available} are available`, {
      needed: needed.toString(),
      available: available.toString(),
    });
  }
}

/** The catalog item has fewer left than asked for; nothing moved. */
export class OutOfStockError extends DomainError {
  readonly code = 'OUT_OF_STOCK';
  readonly kind = 'unprocessable';
  constructor(itemId: string) {
    super(`Not enough of ${itemId} left`, { itemId });
  }
}

/** No active catalog item has this id. */
export class RewardItemNotFoundError extends DomainError {
  readonly code = 'REWARD_ITEM_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(itemId: string) {
    super(`No catalog item ${itemId.slice(0, 64)}`);
  }
}

/** The catalog item is for members of a higher level. */
export class RewardLevelRequiredError extends DomainError {
  readonly code = 'REWARD_LEVEL_REQUIRED';
  readonly kind = 'unprocessable';
  constructor(itemId: string, required: string) {
    super(`${itemId} needs the ${required} level`, { itemId, required });
  }
}

/** The referral code is not one of ours (or is the member's own). */
export class ReferralCodeInvalidError extends DomainError {
  readonly code = 'REFERRAL_CODE_INVALID';
  readonly kind = 'invalid';
  constructor() {
    super('This referral code does not exist');
  }
}

/**
 * The member cannot be attributed to a referrer any more: they already were, or they have already made their
 * first deposit (a code is claimed at sign-up, before money comes in).
 */
export class ReferralNotClaimableError extends DomainError {
  readonly code = 'REFERRAL_NOT_CLAIMABLE';
  readonly kind = 'conflict';
  constructor(reason: 'already_referred' | 'already_deposited') {
    super(
      reason === 'already_referred'
        ? 'You were already referred'
        : 'A referral code is claimed before the first deposit',
      { reason },
    );
  }
}
