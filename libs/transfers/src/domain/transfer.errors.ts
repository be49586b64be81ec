import { DomainError } from '#monay/kernel';

/** No Monay user has that email, phone, address or id (the same answer whatever the reason). */
export class RecipientNotFoundError extends DomainError {
  readonly code = 'RECIPIENT_NOT_FOUND';
  readonly kind = 'not_found';
  constructor(to: string) {
    super('No Monay user matches this recipient', { to });
  }
}

/** A wallet cannot pay itself. */
export class SelfTransferError extends DomainError {
  readonly code = 'SELF_TRANSFER';
  readonly kind = 'unprocessable';
  constructor() {
    super('You cannot send money to yourself');
  }
}

export class TransferNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Transfer not found');
  }
}

/** One recipient of a batch is unusable: the whole batch is refused, naming the index. */
export class BatchRecipientInvalidError extends DomainError {
  readonly code = 'BATCH_RECIPIENT_INVALID';
  readonly kind = 'unprocessable';
  constructor(index: number, cause: DomainError) {
    super(`recipients[${index}]: ${cause.message}`, { index, reason: cause.code, ...cause.details });
  }
}

export class InvalidTransferTransitionError extends Error {
  constructor(from: string, to: string) {
    super(`A transfer cannot go from ${from} to ${to}`);
  }
}

/** The user looked up too many recipients this hour (RECIPIENT_LOOKUP_LIMIT_PER_HOUR): 429 with Retry-After. */
export class RecipientLookupLimitError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly kind = 'rate_limited';
  override readonly retryAfterSeconds: number;
  constructor(limitPerHour: number, retryAfterSeconds: number) {
    super(`At most ${limitPerHour} recipient lookups an hour; try again later`, { limitPerHour });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The money sent to someone not signed up yet was already claimed, or returned: it can no longer be cancelled. */
export class InviteNotPendingError extends DomainError {
  readonly code = 'INVITE_NOT_PENDING';
  readonly kind = 'conflict';
  constructor(status: string) {
    super(`This transfer is ${status}; only a transfer waiting to be claimed can be cancelled`, { status });
  }
}
