import { DomainError, ErrorCode } from '#monay/kernel';

export { InvalidNotificationPreferencesError, SecurityAlertsRequiredError } from './domain/preferences';

/** Unknown, malformed or another user's: the same 404. */
export class NotificationNotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  readonly kind = 'not_found';
  constructor() {
    super('Notification not found');
  }
}

/** Unknown, malformed or another user's push device: the same 404. */
export class PushDeviceNotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  readonly kind = 'not_found';
  constructor() {
    super('Push device not found');
  }
}

/** Unknown, malformed or another user's balance monitor: the same 404. */
export class BalanceMonitorNotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  readonly kind = 'not_found';
  constructor() {
    super('Balance monitor not found');
  }
}

/** Test notifications are limited per user and hour (NOTIFICATION_TEST_LIMIT_PER_HOUR). 429 with Retry-After. */
export class TestNotificationLimitError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly kind = 'rate_limited';
  override readonly retryAfterSeconds: number;
  constructor(limit: number, retryAfterSeconds: number) {
    super(`At most ${limit} test notifications an hour; try again in ${retryAfterSeconds} s`);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A user may keep at most 20 balance monitors. */
export class TooManyBalanceMonitorsError extends DomainError {
  readonly code = 'MONITOR_LIMIT_REACHED';
  readonly kind = 'unprocessable';
  constructor(limit: number) {
    super(`At most ${limit} balance monitors per user: delete one first`);
  }
}

/** The unsubscribe link's token is not one we signed. */
export class InvalidUnsubscribeTokenError extends DomainError {
  readonly code = 'INVALID_UNSUBSCRIBE_TOKEN';
  readonly kind = 'invalid';
  constructor() {
    super('This unsubscribe link is not valid');
  }
}

/** A webhook's signature is missing, malformed, wrong or too old (401; nothing is done). */
/** A signed email event webhook whose body is not the JSON array of events SendGrid posts. */
export class InvalidEmailEventsError extends DomainError {
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly kind = 'invalid';
  constructor() {
    super('body: must be a JSON array of events');
  }
}

export class InvalidWebhookSignatureError extends DomainError {
  readonly code = 'WEBHOOK_SIGNATURE_INVALID';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The webhook signature is missing or does not match');
  }
}

/**
 * A one-time code (verification, reset, step-up) could not be handed to the email server or the SMS vendor just
 * now. 503: ask for a new code in a moment.
 */
export class MessageNotSentError extends DomainError {
  readonly code = 'MESSAGE_NOT_SENT';
  readonly kind = 'unavailable';
  constructor(channel: string) {
    super(`The ${channel} could not be sent just now; ask for a new code in a moment`);
  }
}
