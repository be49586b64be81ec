import { DomainError, ErrorCode } from '#monay/kernel';

/** Unknown, malformed or another user's: the same 404. */
export class NotificationNotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  readonly kind = 'not_found';
  constructor() {
    super('Notification not found');
  }
}
