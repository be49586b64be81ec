import { missingDocuments, type RequiredDocument, type TargetTier } from '../domain/kyc-requirements';
import type { KycDocument, KycInquiry } from '../infrastructure/kyc.repository';

/** A document as the user sees it: never its contents, only what it is, how it went, and when it came. */
export interface DocumentView {
  id: string;
  type: string;
  side: string | null;
  status: string;
  uploadedAt: string;
}

/** Where a verification stands, as the user sees it. */
export interface InquiryProgress {
  id: string;
  vendorInquiryId: string | null;
  targetTier: TargetTier;
  status: string;
  expiresAt: string | null;
  /** Reasons the user may see (a decline, a document to take again); never a reviewer's notes. */
  reasons: string[];
  /** What is still needed before the vendor can decide. */
  missing: { fields: string[]; documents: RequiredDocument[] };
  documents: DocumentView[];
}

export function documentView(document: KycDocument): DocumentView {
  return {
    id: document.id,
    type: document.type,
    side: document.side,
    status: document.status,
    uploadedAt: document.uploadedAt.toISOString(),
  };
}

export function progressOf(inquiry: KycInquiry, documents: KycDocument[]): InquiryProgress {
  const collecting = inquiry.status === 'created' || inquiry.status === 'pending';
  const accepted = documents.filter((document) => document.status !== 'errored');
  return {
    id: inquiry.id,
    vendorInquiryId: inquiry.vendorInquiryId,
    targetTier: inquiry.targetTier,
    status: inquiry.status,
    expiresAt: inquiry.expiresAt?.toISOString() ?? null,
    reasons: inquiry.reasons,
    missing: {
      fields: [],
      documents: collecting ? missingDocuments(inquiry.targetTier, accepted) : [],
    },
    documents: documents.map(documentView),
  };
}
