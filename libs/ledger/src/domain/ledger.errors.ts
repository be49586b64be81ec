import { DomainError, Money, type CurrencyCode } from '#monay/kernel';

// `details` reach API clients (the error envelope, stored idempotent answers, failed transfers): they carry
// amounts as decimal strings of their currency and never an internal ledger account or hold id. Those ids stay
// on the error object itself, for logs and the code that catches it.

/** The debit would take an account that may not go negative below zero (counting pending holds). */
export class InsufficientFundsError extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';
  readonly kind = 'unprocessable';
  constructor(
    /** The ledger account refused: for logs, never in `details`. */
    readonly accountId: string,
    currency: string,
    /** What was available, in minor units of `currency`. */
    available?: bigint,
  ) {
    super(`Insufficient funds in ${currency}`, {
      currency,
      ...(available === undefined ? {} : { available: decimal(available, currency) }),
    });
  }
}

/** Minor units as the currency's decimal string ("12.50"); the raw number for a code the kernel does not know. */
function decimal(minor: bigint, currency: string): string {
  try {
    return Money.of(minor, currency as CurrencyCode).toDecimalString();
  } catch {
    return minor.toString();
  }
}

/**
 * The entries of a transaction do not sum to zero per currency, or one of them is zero. A programming
 * error if it ever reaches a user (use cases build balanced entries), but refused as a domain error all the same.
 */
export class UnbalancedTransactionError extends DomainError {
  readonly code = 'UNBALANCED_TRANSACTION';
  readonly kind = 'invalid';
  constructor(reason: string, details?: Record<string, unknown>) {
    super(`Unbalanced ledger transaction: ${reason}`, details);
  }
}

export class AccountNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor(readonly accountId: string) {
    super('Ledger account not found');
  }
}

/** An entry (or hold) in one currency on an account kept in another. */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';
  readonly kind = 'invalid';
  constructor(
    readonly accountId: string,
    accountCurrency: string,
    currency: string,
  ) {
    super(`Ledger account holds ${accountCurrency}, not ${currency}`, { accountCurrency, currency });
  }
}

/** A hold (or the part of it to post) must be a positive amount. */
export class InvalidHoldAmountError extends DomainError {
  readonly code = 'INVALID_AMOUNT';
  readonly kind = 'invalid';
  constructor(amount: bigint, currency: string) {
    super('A hold amount must be positive', { amount: decimal(amount, currency), currency });
  }
}

export class HoldNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor(readonly holdId: string) {
    super('Hold not found');
  }
}

/** The hold was already posted, voided or expired: a hold resolves exactly once. */
export class HoldNotPendingError extends DomainError {
  readonly code = 'HOLD_NOT_PENDING';
  readonly kind = 'conflict';
  constructor(
    readonly holdId: string,
    status: string,
  ) {
    super(`Hold is ${status}, not pending`, { status });
  }
}

/** A hold is posted for at most the amount it reserved. */
export class HoldAmountExceededError extends DomainError {
  readonly code = 'HOLD_AMOUNT_EXCEEDED';
  readonly kind = 'unprocessable';
  constructor(
    readonly holdId: string,
    held: bigint,
    requested: bigint,
    currency: string,
  ) {
    super('Cannot post more than the held amount', {
      currency,
      held: decimal(held, currency),
      requested: decimal(requested, currency),
    });
  }
}

/** What a balance, hold or entry column holds: PostgreSQL bigint, in minor units. */
export const MAX_LEDGER_AMOUNT = 2n ** 63n - 1n;

/**
 * The change would take an account's balance (or what it holds pending) past what its columns hold. Refused as
 * an outcome of the request (422), never reached as a database error.
 */
export class BalanceLimitExceededError extends DomainError {
  readonly code = 'BALANCE_LIMIT_EXCEEDED';
  readonly kind = 'unprocessable';
  constructor(currency: string) {
    super(`This would take the ${currency} balance past what an account can hold`, { currency });
  }
}

/** An entry or a hold of more minor units than the ledger's columns hold (|amount| ≤ 2^63 − 1). */
export class LedgerAmountOutOfRangeError extends DomainError {
  readonly code = 'AMOUNT_OUT_OF_RANGE';
  readonly kind = 'invalid';
  constructor(currency: string) {
    super(`An amount of ${currency} beyond what the ledger holds`, { currency });
  }
}
