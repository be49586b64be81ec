import { DomainError, ErrorCode, type ErrorKind } from '#monay/kernel';

/** A swap request that breaks a rule about its own content (400, in the DTO's envelope: field and problem). */
export class SwapRequestInvalidError extends DomainError {
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly kind: ErrorKind = 'invalid';

  constructor(field: string, reason: string) {
    const problem = `${field} ${reason}`;
    super(`${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
  }
}

/** Someone else's quote, a malformed id, or none at all: the same to the caller (404). */
export class SwapQuoteNotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  readonly kind: ErrorKind = 'not_found';

  constructor() {
    super('Swap quote not found');
  }
}

/** Someone else's swap, a malformed id, or none at all (404). */
export class SwapNotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  readonly kind: ErrorKind = 'not_found';

  constructor() {
    super('Swap not found');
  }
}

/** The quote (ours or the provider's behind it) has expired: nothing was held or moved; ask for a new quote. */
export class QuoteExpiredError extends DomainError {
  readonly code = 'QUOTE_EXPIRED';
  readonly kind: ErrorKind = 'conflict';

  constructor(quoteId: string, expiresAt: Date) {
    super('This quote has expired; nothing was charged. Ask for a new quote', {
      quoteId,
      expiresAt: expiresAt.toISOString(),
    });
  }
}

/** Another request already executes (or executed) this quote; a quote is executed once. */
export class QuoteAlreadyUsedError extends DomainError {
  readonly code = 'QUOTE_ALREADY_USED';
  readonly kind: ErrorKind = 'conflict';

  constructor(quoteId: string) {
    super('This quote was already used by another swap; ask for a new quote', { quoteId });
  }
}

/** So little that the user would get nothing of the currency bought (422). */
export class SwapAmountTooSmallError extends DomainError {
  readonly code = 'AMOUNT_TOO_SMALL';
  readonly kind: ErrorKind = 'unprocessable';

  constructor(amount: string, from: string, to: string) {
    super(`Swapping ${amount} ${from} would not deliver any ${to}: swap a larger amount`, {
      amount,
      from,
      to,
    });
  }
}
