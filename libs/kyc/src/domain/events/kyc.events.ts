import type { InquiryStatus } from '../inquiry';

/** A tier as events carry it. */
export interface TierRef {
  level: number;
  name: string;
}

/**
 * A user's KYC tier changed: up when the vendor approved an inquiry, down when the vendor or an admin revoked it
 * (with the reason). The wallet's limits and features changed in the same transaction. History, realtime
 * (`kyc.updated`) and notifications consume it.
 */
export const KycTierChanged = 'KycTierChanged' as const;

export interface KycTierChangedPayload {
  userId: string;
  from: TierRef;
  to: TierRef;
  direction: 'up' | 'down';
  /** `inquiry_approved`, or the revocation's reason as given. */
  reason: string;
  /** The inquiry that proved it (up), or null. */
  inquiryId: string | null;
  /** The admin who revoked it, or null (the vendor, the user's own verification). */
  actorUserId: string | null;
  /** ISO 8601, the application clock. */
  at: string;
}

/** A verification inquiry moved on, as the vendor said when asked (never as a webhook's payload claimed). */
export const KycInquiryUpdated = 'KycInquiryUpdated' as const;

export interface KycInquiryUpdatedPayload {
  userId: string;
  inquiryId: string;
  targetTier: number;
  status: InquiryStatus;
  previousStatus: InquiryStatus;
  /** Reasons the user may see (a decline, a document to take again); never the reviewer's notes. */
  reasons: string[];
  at: string;
}
