import { DomainError, type ErrorKind } from '#monay/kernel';
import type { ProviderName } from '#monay/shared';

/**
 * The provider refused the request before accepting it (unsupported currency or operation, its own
 * validation, no liquidity). Nothing happened there: another provider may be tried.
 */
export class ProviderRefusedError extends DomainError {
  readonly code = 'PROVIDER_REFUSED';
  readonly kind: ErrorKind = 'unprocessable';
  readonly safeToRetryElsewhere = true;

  constructor(
    readonly provider: ProviderName,
    reason: string,
  ) {
    super(`${provider} refused the request: ${reason}`, { provider, reason });
  }
}

/** The provider is down and did not accept the request (fails fast, connection refused, 5xx before acceptance). */
export class ProviderUnavailableError extends DomainError {
  readonly code = 'PROVIDER_UNAVAILABLE';
  readonly kind: ErrorKind = 'unavailable';
  readonly safeToRetryElsewhere = true;

  constructor(
    readonly provider: ProviderName,
    reason: string,
  ) {
    super(`${provider} is unavailable: ${reason}`, { provider, reason });
  }
}

/**
 * No answer in time. The provider may have accepted the request and may still complete it: never try
 * another provider before asking this one for the transaction's status by our idempotency key.
 */
export class ProviderTimeoutError extends DomainError {
  readonly code = 'PROVIDER_TIMEOUT';
  readonly kind: ErrorKind = 'unavailable';
  readonly safeToRetryElsewhere = false;

  constructor(
    readonly provider: ProviderName,
    readonly timeoutMs: number,
  ) {
    super(`${provider} did not answer within ${timeoutMs} ms`, { provider, timeoutMs });
  }
}

/** Every provider that could serve the request refused it or was down: nothing went out. */
export class NoProviderAvailableError extends DomainError {
  readonly code = 'PROVIDER_UNAVAILABLE';
  readonly kind: ErrorKind = 'unavailable';

  constructor(readonly skipped: Array<{ provider: ProviderName; reason: string }>) {
    super('No provider can take this request right now; nothing was charged, try again later', { skipped });
  }
}

export function isSafeToRetryElsewhere(error: unknown): boolean {
  return error instanceof ProviderRefusedError || error instanceof ProviderUnavailableError;
}
