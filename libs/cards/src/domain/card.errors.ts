import { DomainError } from '#monay/kernel';

/** No card by that id among the caller's cards (another user's card answers the same). */
export class CardNotFoundError extends DomainError {
  readonly code = 'CARD_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Card not found');
  }
}

/** The card is closed (final): it can no longer be paused, opened, limited, revealed or reported. */
export class CardClosedError extends DomainError {
  readonly code = 'CARD_CLOSED';
  readonly kind = 'conflict';
  constructor() {
    super('This card is closed');
  }
}

/** The card issuer did not answer; nothing changed, try again later. */
export class CardIssuerUnavailableError extends DomainError {
  readonly code = 'CARD_ISSUER_UNAVAILABLE';
  readonly kind = 'unavailable';
  constructor() {
    super('The card issuer is unavailable; try again later');
  }
}

/** An issuer webhook or authorization request whose `webhook-*` headers are missing, wrong or stale (5 minutes). */
export class CardWebhookSignatureInvalidError extends DomainError {
  readonly code = 'CARD_WEBHOOK_SIGNATURE_INVALID';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The webhook signature is missing, invalid or expired');
  }
}

/** An authentic issuer message that is not one we understand (no authorization, no event id). */
export class CardWebhookPayloadInvalidError extends DomainError {
  readonly code = 'CARD_WEBHOOK_PAYLOAD_INVALID';
  readonly kind = 'invalid';
  constructor(reason: string) {
    super(`The webhook is not an issuer event: ${reason}`);
  }
}

/** A webhook route for an issuer we do not use. */
export class CardUnknownIssuerError extends DomainError {
  readonly code = 'CARD_UNKNOWN_ISSUER';
  readonly kind = 'not_found';
  constructor() {
    super('Unknown card issuer');
  }
}

/** The sandbox card network was asked about an authorization it does not have on this card. */
export class CardAuthorizationNotFoundError extends DomainError {
  readonly code = 'CARD_AUTHORIZATION_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Authorization not found on this card');
  }
}

/** The sandbox card network refuses the operation in the authorization's state (clearing a reversed one, …). */
export class CardAuthorizationStateError extends DomainError {
  readonly code = 'CARD_AUTHORIZATION_STATE';
  readonly kind = 'conflict';
  constructor(status: string, action: string) {
    super(`An authorization that is ${status} cannot be ${action}`, { status });
  }
}

/** A clearing above what the authorization allows (its amount plus the over-capture allowance for tips). */
export class CardOverCaptureError extends DomainError {
  readonly code = 'CARD_OVER_CAPTURE';
  readonly kind = 'unprocessable';
  constructor(maxUsd: string) {
    super(`The clearing exceeds what the authorization allows (at most ${maxUsd} USD)`, { maxUsd });
  }
}

/** A refund above what was cleared and not yet refunded. */
export class CardRefundTooLargeError extends DomainError {
  readonly code = 'CARD_REFUND_TOO_LARGE';
  readonly kind = 'unprocessable';
  constructor(maxUsd: string) {
    super(`The refund exceeds what was cleared and not yet refunded (${maxUsd} USD)`, { maxUsd });
  }
}

/** A user may hold only so many cards that are not closed. */
export class CardCountLimitError extends DomainError {
  readonly code = 'CARD_COUNT_LIMIT';
  readonly kind = 'unprocessable';
  constructor(max: number) {
    super(`You can hold at most ${max} open or paused cards`, { max });
  }
}

/** Card details were revealed too often in the last hour (CARD_REVEAL_LIMIT_PER_HOUR); try again later. */
export class CardRevealRateLimitedError extends DomainError {
  readonly code = 'CARD_REVEAL_RATE_LIMITED';
  readonly kind = 'rate_limited';
  override readonly retryAfterSeconds = 3600;
  constructor() {
    super('Card details were revealed too often; try again later');
  }
}
