/**
 * What kind of failure a domain error is, in the domain's own words. The HTTP layer maps kinds to
 * statuses (one filter), so domain and application code never throw HTTP exceptions.
 */
export type ErrorKind =
  | 'invalid' // the request breaks a rule about its own content
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict' // clashes with existing state (duplicate, in flight)
  | 'unprocessable' // well-formed, but the domain refuses it (insufficient funds, limit)
  | 'rate_limited'
  | 'unavailable';

/** A rule of the domain was broken. Each subclass has a stable machine `code`. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: ErrorKind;
  /** A `rate_limited` refusal: when the caller may try again (the HTTP layer sends it as Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Stable machine codes shared by every context. Context-specific codes live beside their errors. */
export const ErrorCode = {
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  MALFORMED_JSON: 'MALFORMED_JSON',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  REQUEST_HEADERS_TOO_LARGE: 'REQUEST_HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED: 'RATE_LIMITED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
