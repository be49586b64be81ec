import { DomainError, ErrorCode, type ErrorKind } from '#monay/kernel';

/** `from` after `to`, or a range longer than the view allows. */
export class InvalidDateRangeError extends DomainError {
  readonly code = 'INVALID_DATE_RANGE';
  readonly kind: ErrorKind = 'invalid';
  constructor(message: string, details: Record<string, unknown>) {
    super(message, details);
  }
}

/** A request field the DTO could not judge alone (answered exactly as the DTO's own refusals). */
export class InvalidAnalyticsInputError extends DomainError {
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly kind: ErrorKind = 'invalid';
  constructor(field: string, problem: string) {
    super(`${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
  }
}

/** Another user's rule, an unknown or a malformed id (indistinguishable), or a deleted rule. */
export class RuleNotFoundError extends DomainError {
  readonly code = 'RULE_NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';
  constructor() {
    super('No such rule');
  }
}

/** A user may keep at most a fixed number of categorisation rules: delete one before adding another. */
export class RuleLimitReachedError extends DomainError {
  readonly code = 'RULE_LIMIT_REACHED';
  readonly kind: ErrorKind = 'unprocessable';
  constructor(limit: number) {
    super(`At most ${limit} rules: delete one first`, { limit });
  }
}

/** The rule's counterparty is no Monay user (by email, phone or monay: address). */
export class CounterpartyNotFoundError extends DomainError {
  readonly code = 'COUNTERPARTY_NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';
  constructor(counterparty: string) {
    super(`No Monay user is "${counterparty.slice(0, 64)}"`);
  }
}

/** Not one of the caller's transactions (another user's, unknown or malformed: indistinguishable). */
export class TransactionNotFoundError extends DomainError {
  readonly code = 'TRANSACTION_NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';
  constructor() {
    super('No such transaction');
  }
}

/** A swap between the user's own assets (or a fee) has no spending category to correct. */
export class CategoryNotApplicableError extends DomainError {
  readonly code = 'CATEGORY_NOT_APPLICABLE';
  readonly kind: ErrorKind = 'unprocessable';
  constructor() {
    super('Swaps between your own assets and fees are not spending: they have no category to correct');
  }
}

/** A day's reference price is written once and never changed. */
export class ReferencePriceFixedError extends DomainError {
  readonly code = 'REFERENCE_PRICE_FIXED';
  readonly kind: ErrorKind = 'conflict';
  constructor(currency: string, day: string, price: string) {
    super(`The ${currency} price of ${day} is already fixed at ${price}`, { currency, day, price });
  }
}
