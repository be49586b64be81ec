import { DomainError } from '#monay/kernel';

/**
 * Refusals that are an outcome of the transfer itself (recorded as a failed transfer, answered 422 and
 * replayed for the same key), as opposed to errors that leave nothing behind.
 */
export function isRecordableRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && error.kind === 'unprocessable';
}

export function errorBody(error: DomainError): {
  code: string;
  message: string;
  details?: Record<string, unknown>;
} {
  return error.details === undefined
    ? { code: error.code, message: error.message }
    : { code: error.code, message: error.message, details: error.details };
}
