import { DomainError, type ErrorKind } from '#monay/kernel';

/** Someone else's movement, a bad id, or one that does not exist: all the same to the caller (404). */
export class MovementNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';
  constructor(what: 'Deposit' | 'Withdrawal' | 'Movement' = 'Movement') {
    super(`${what} not found`);
  }
}

/** The provider accepted the movement, then failed it; nothing moved (recorded, answered 422). */
export class ProviderFailedError extends DomainError {
  readonly code = 'PROVIDER_FAILED';
  readonly kind: ErrorKind = 'unprocessable';
  constructor(provider: string, reason: string | undefined) {
    super(`${provider} could not complete it${reason ? `: ${reason}` : ''}; nothing was charged`, {
      provider,
      ...(reason && { reason }),
    });
  }
}

/** No provider ever took the movement, long after it was recorded; nothing went out (recorded, 422). */
export class ProviderStuckError extends DomainError {
  readonly code = 'PROVIDER_STUCK';
  readonly kind: ErrorKind = 'unprocessable';
  constructor() {
    super('No provider took this request in time; nothing was charged, you may try again');
  }
}

/** The amount would not even cover the provider's fee (a deposit would credit nothing). */
export class AmountBelowFeeError extends DomainError {
  readonly code = 'AMOUNT_TOO_SMALL';
  readonly kind: ErrorKind = 'unprocessable';
  constructor(amount: string, fee: string, currency: string) {
    super(`The amount must be more than the provider fee (${fee} ${currency})`, { amount, fee, currency });
  }
}

/** A webhook's signature is missing, malformed, wrong or too old (401; nothing is done). */
export class WebhookSignatureInvalidError extends DomainError {
  readonly code = 'WEBHOOK_SIGNATURE_INVALID';
  readonly kind: ErrorKind = 'unauthenticated';
  constructor() {
    super('The webhook signature is missing, invalid or expired');
  }
}

/** A webhook for a provider we do not have (404). */
export class UnknownProviderError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';
  constructor(name: string) {
    super(`Unknown provider ${name.slice(0, 32)}`);
  }
}

/** A signed webhook whose body is not a provider notification we understand (400). */
export class WebhookPayloadInvalidError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind: ErrorKind = 'invalid';
  constructor(problem: string) {
    super(`The webhook body is not a transaction notification: ${problem}`);
  }
}

/** The provider could not be asked about a webhook's transaction right now (503: the provider retries). */
export class ProviderStatusUnavailableError extends DomainError {
  readonly code = 'PROVIDER_UNAVAILABLE';
  readonly kind: ErrorKind = 'unavailable';
  constructor(provider: string) {
    super(`${provider} could not be asked about this transaction right now; retry later`, { provider });
  }
}
