import { DomainError } from '#monay/kernel';

/** No contact of yours has that id (another user's contact answers the same). */
export class ContactNotFoundError extends DomainError {
  readonly code = 'CONTACT_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Contact not found');
  }
}

/** That user or address is already in your contacts: update it instead (PUT /api/contacts/:id). */
export class ContactExistsError extends DomainError {
  readonly code = 'CONTACT_EXISTS';
  readonly kind = 'conflict';
  constructor(contactId: string) {
    super('This recipient is already one of your contacts', { contactId });
  }
}

/** The cursor of a contacts or payment-requests page is not one this server gave out. */
export class InvalidCursorError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind = 'invalid';
  constructor() {
    super('cursor: cursor must be a cursor returned as nextCursor', {
      fields: [{ field: 'cursor', problems: ['cursor must be a cursor returned as nextCursor'] }],
    });
  }
}

/**
 * The user checked more address-book entries today than CONTACT_DISCOVERY_DAILY_LIMIT allows (so an address book
 * cannot be used to enumerate users): 429 with Retry-After, until the next UTC day.
 */
export class DiscoveryQuotaExceededError extends DomainError {
  readonly code = 'DISCOVERY_QUOTA_EXCEEDED';
  readonly kind = 'rate_limited';
  override readonly retryAfterSeconds: number;
  constructor(limit: number, remaining: number, retryAfterSeconds: number) {
    super(`At most ${limit} address-book entries may be checked a day`, { limit, remaining });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
