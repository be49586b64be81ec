import { DomainError, ErrorCode } from '#monay/kernel';

/**
 * `since` names no event of this user's (never seen, or someone else's: the same answer, so nothing leaks).
 * 400 rather than 404: the resource, the user's event stream, exists; the cursor into it is bad.
 */
export class UnknownEventCursorError extends DomainError {
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly kind = 'invalid';

  constructor() {
    const problem = 'since must be the eventId of an event you received';
    super(`since: ${problem}`, { fields: [{ field: 'since', problems: [problem] }] });
  }
}
