import { DomainError } from '#monay/kernel';

/** The KYC webhook's `Persona-Signature` is missing, wrong, or more than five minutes from our clock. */
export class KycWebhookSignatureInvalidError extends DomainError {
  readonly code = 'KYC_WEBHOOK_SIGNATURE_INVALID';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The webhook signature is missing, invalid or expired');
  }
}

/** An authentic KYC webhook whose body is not a vendor event (no event id, name or inquiry id). */
export class KycWebhookPayloadInvalidError extends DomainError {
  readonly code = 'KYC_WEBHOOK_PAYLOAD_INVALID';
  readonly kind = 'invalid';
  constructor(reason: string) {
    super(`The webhook is not a vendor event: ${reason}`);
  }
}

/**
 * A KYC webhook about an inquiry the vendor has that we have not linked yet: its event outran the vendor's answer to
 * our create call. The vendor delivers it again (it retries any answer that is not 2xx).
 */
export class KycInquiryNotLinkedYetError extends DomainError {
  readonly code = 'KYC_INQUIRY_NOT_LINKED_YET';
  readonly kind = 'conflict';
  constructor() {
    super('The inquiry is not linked to a verification yet; deliver the event again later');
  }
}

/** The verification vendor did not answer; nothing was changed, try again later. */
export class KycVendorUnavailableError extends DomainError {
  readonly code = 'KYC_VENDOR_UNAVAILABLE';
  readonly kind = 'unavailable';
  constructor() {
    super('The verification service is unavailable; try again later');
  }
}

/** The user already holds the tier asked for (or a higher one): there is nothing to verify. */
export class KycTierAlreadyHeldError extends DomainError {
  readonly code = 'KYC_TIER_ALREADY_HELD';
  readonly kind = 'conflict';
  constructor(current: { level: number; name: string }, target: number) {
    super(`You already hold the ${current.name} tier`, { current, targetTier: target });
  }
}

/** A document was sent without an open verification: start one with `POST /api/user/kyc/start` first. */
export class KycInquiryNotStartedError extends DomainError {
  readonly code = 'KYC_INQUIRY_NOT_STARTED';
  readonly kind = 'conflict';
  constructor() {
    super('Start a verification (POST /api/user/kyc/start) before sending documents');
  }
}

/** The document is not one the open verification asks for (e.g. a proof of address for the Verified tier). */
export class KycDocumentNotRequestedError extends DomainError {
  readonly code = 'KYC_DOCUMENT_NOT_REQUESTED';
  readonly kind = 'unprocessable';
  constructor(type: string, side: string | null) {
    super(`This verification does not ask for ${side ? `the ${side} of ` : ''}a ${type}`, { type, side });
  }
}

/** No verification inquiry has that id. */
export class KycInquiryNotFoundError extends DomainError {
  readonly code = 'KYC_INQUIRY_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No such verification inquiry');
  }
}

/** A reviewer's decision was sent for an inquiry that is not waiting for review. */
export class KycInquiryNotInReviewError extends DomainError {
  readonly code = 'KYC_INQUIRY_NOT_IN_REVIEW';
  readonly kind = 'conflict';
  constructor(status: string) {
    super(`The inquiry is ${status}, not waiting for review`, { status });
  }
}

/** No user has that id (an admin's tier revocation). */
export class KycUserNotFoundError extends DomainError {
  readonly code = 'KYC_USER_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('No such user');
  }
}

/** A revocation of a user who holds only the Basic tier, which cannot be taken away. */
export class KycNothingToRevokeError extends DomainError {
  readonly code = 'KYC_NOTHING_TO_REVOKE';
  readonly kind = 'conflict';
  constructor() {
    super('The user holds only the Basic tier');
  }
}

/** The document upload is incomplete or inconsistent (no file; a side missing for a government id, or given for another type). */
export class KycDocumentInvalidError extends DomainError {
  readonly code = 'KYC_DOCUMENT_INVALID';
  readonly kind = 'invalid';
  constructor(reason: string) {
    super(`The document upload is invalid: ${reason}`);
  }
}

/** The cursor is not one this list returned as `nextCursor`. */
export class KycInvalidCursorError extends DomainError {
  readonly code = 'KYC_INVALID_CURSOR';
  readonly kind = 'invalid';
  constructor() {
    super('cursor must be a cursor returned as nextCursor');
  }
}

/** No KYC vendor by that name sends us webhooks (`/api/webhooks/kyc/<vendor>`). */
export class KycUnknownVendorError extends DomainError {
  readonly code = 'KYC_UNKNOWN_VENDOR';
  readonly kind = 'not_found';
  constructor() {
    super('No such KYC vendor');
  }
}

/**
 * Verification needs a verified email and phone first (`details.email`, `details.phone`: whether each is verified):
 * verify them with `POST /api/auth/email/verify-request` and `POST /api/auth/phone/verify-request`.
 */
export class KycContactNotVerifiedError extends DomainError {
  readonly code = 'KYC_CONTACT_NOT_VERIFIED';
  readonly kind = 'conflict';
  constructor(verified: { email: boolean; phone: boolean }) {
    super('Verify your email and phone number before verifying your identity', verified);
  }
}
