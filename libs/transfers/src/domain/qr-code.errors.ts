import { DomainError } from '#monay/kernel';

/** The scanned text is none of a `monay:` receive code, a payment-request link or an EIP-681 URI we can pay. */
export class QrFormatUnknownError extends DomainError {
  readonly code = 'QR_FORMAT_UNKNOWN';
  readonly kind = 'invalid';
  constructor(reason: string) {
    super(`This code cannot be paid: ${reason}`, { reason });
  }
}

/** A `monay:` receive code whose signature does not match what it says: it was altered (or made elsewhere). */
export class QrSignatureInvalidError extends DomainError {
  readonly code = 'QR_SIGNATURE_INVALID';
  readonly kind = 'invalid';
  constructor() {
    super('This code was altered: its signature does not match');
  }
}

/** The code (a receive code past its time, or a payment request past its expiry) can no longer be paid. */
export class QrExpiredError extends DomainError {
  readonly code = 'QR_EXPIRED';
  readonly kind = 'invalid';
  constructor() {
    super('This code has expired');
  }
}

/** A payment-request link that is no longer payable (paid, declined, cancelled) or names no request. */
export class QrRequestUnavailableError extends DomainError {
  readonly code = 'QR_REQUEST_UNAVAILABLE';
  readonly kind = 'invalid';
  constructor(status: string) {
    super(`This payment request cannot be paid (${status})`, { status });
  }
}
