import { DomainError } from '#monay/kernel';

// Amounts in `details` are minor units as decimal strings: details are serialised to JSON, which has no bigint.

/** The debit would take an account that may not go negative below zero (counting pending holds). */
export class InsufficientFundsError extends DomainError {
  readonly code = 'INSUFFICIENT_FUNDS';
  readonly kind = 'unprocessable';
  constructor(accountId: string, currency: string, available?: bigint) {
    super(`Insufficient funds in ${currency}`, {
      accountId,
      currency,
      ...(available === undefined ? {} : { available: available.toString() }),
    });
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
  constructor(accountId: string) {
    super('Ledger account not found', { accountId });
  }
}

/** An entry (or hold) in one currency on an account kept in another. */
export class CurrencyMismatchError extends DomainError {
  readonly code = 'CURRENCY_MISMATCH';
  readonly kind = 'invalid';
  constructor(accountId: string, accountCurrency: string, currency: string) {
    super(`Ledger account holds ${accountCurrency}, not ${currency}`, {
      accountId,
      accountCurrency,
      currency,
    });
  }
}

/** A hold (or the part of it to post) must be a positive number of minor units. */
export class InvalidHoldAmountError extends DomainError {
  readonly code = 'INVALID_AMOUNT';
  readonly kind = 'invalid';
  constructor(amount: bigint) {
    super('A hold amount must be positive', { amount: amount.toString() });
  }
}

export class HoldNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind = 'not_found';
  constructor(holdId: string) {
    super('Hold not found', { holdId });
  }
}

/** The hold was already posted, voided or expired: a hold resolves exactly once. */
export class HoldNotPendingError extends DomainError {
  readonly code = 'HOLD_NOT_PENDING';
  readonly kind = 'conflict';
  constructor(holdId: string, status: string) {
    super(`Hold is ${status}, not pending`, { holdId, status });
  }
}

/** A hold is posted for at most the amount it reserved. */
export class HoldAmountExceededError extends DomainError {
  readonly code = 'HOLD_AMOUNT_EXCEEDED';
  readonly kind = 'unprocessable';
  constructor(holdId: string, held: bigint, requested: bigint) {
    super('Cannot post more than the held amount', {
      holdId,
      held: held.toString(),
      requested: requested.toString(),
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
