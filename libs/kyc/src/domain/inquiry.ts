/**
 * A verification inquiry's life at the vendor (Persona's model, docs.withpersona.com/model-lifecycle):
 * created → pending (the user started) → completed | failed | expired → needs_review → approved | declined.
 * We keep the vendor's status as it last told us when asked, never what a webhook's payload claims.
 */
export const INQUIRY_STATUSES = [
  'created',
  'pending',
  'completed',
  'failed',
  'expired',
  'needs_review',
  'approved',
  'declined',
] as const;
export type InquiryStatus = (typeof INQUIRY_STATUSES)[number];

/** How far along a status is: a status never moves back to a lower rank (late answers are stale). */
const RANK: Record<InquiryStatus, number> = {
  created: 0,
  pending: 1,
  completed: 2,
  needs_review: 3,
  failed: 4,
  expired: 4,
  approved: 4,
  declined: 4,
};

/** Statuses after which nothing happens to the inquiry any more (a new inquiry is started instead). */
export function isFinal(status: InquiryStatus): boolean {
  return RANK[status] === 4;
}

/** Whether `next` (the vendor's word now) moves an inquiry on from `current`. */
export function movesOn(current: InquiryStatus, next: InquiryStatus): boolean {
  return !isFinal(current) && RANK[next] > RANK[current];
}

export function isInquiryStatus(value: unknown): value is InquiryStatus {
  return typeof value === 'string' && (INQUIRY_STATUSES as readonly string[]).includes(value);
}
