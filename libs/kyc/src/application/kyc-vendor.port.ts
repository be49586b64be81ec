import type { InquiryStatus } from '../domain/inquiry';
import type { DocumentSide, DocumentType, TargetTier } from '../domain/kyc-requirements';

/** The identity facts a verification starts from (what the user typed; the vendor checks them). */
export interface IdentityFields {
  firstName: string;
  lastName: string;
  /** YYYY-MM-DD. */
  dateOfBirth: string;
  address: { line1: string; city: string; postalCode: string; country: string };
}

/** A document as the vendor holds it (Persona: initiated → submitted → processed | errored). */
export interface VendorDocument {
  id: string;
  type: DocumentType;
  side: DocumentSide | null;
  status: 'initiated' | 'submitted' | 'processed' | 'errored';
}

/** An inquiry as the vendor answers for it. */
export interface VendorInquiry {
  id: string;
  referenceId: string;
  status: InquiryStatus;
  targetTier: TargetTier;
  createdAt: Date;
  /** When a pending inquiry expires (null once it no longer can). */
  expiresAt: Date | null;
  documents: VendorDocument[];
  /** Reasons the user may see (declined, errored documents); the reviewer's notes are not among them. */
  reasons: string[];
}

/**
 * The verification vendor (Persona-shaped; architecture.md, "Adding a context" 5). Every creation carries our
 * idempotency key, and our reference id (the user id) groups a user's inquiries. Whatever a webhook says, we act
 * on what `getInquiry` answers.
 */
export interface KycVendor {
  /** The vendor's name, as in the webhook route (`/api/webhooks/kyc/<vendor>`). */
  readonly vendor: string;
  createInquiry(input: {
    referenceId: string;
    idempotencyKey: string;
    targetTier: TargetTier;
    fields: IdentityFields;
  }): Promise<VendorInquiry>;
  /** The inquiry as it stands now, or null if the vendor has none by that id. */
  getInquiry(inquiryId: string): Promise<VendorInquiry | null>;
  /** Attaches a photo or file to the inquiry (a government id is submitted once it has both sides). */
  attachDocument(
    inquiryId: string,
    document: {
      type: DocumentType;
      side: DocumentSide | null;
      fileName: string;
      contentType: string;
      file: Buffer;
    },
  ): Promise<VendorInquiry>;
  /** A reviewer's decision on an inquiry marked for review (Persona's approve / decline actions). */
  review(inquiryId: string, decision: 'approve' | 'decline', reason: string | null): Promise<VendorInquiry>;
}

export const KYC_VENDOR = Symbol('KYC_VENDOR');
