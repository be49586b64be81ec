export type PaymentRequestStatus =
  'requested' | 'paid' | 'partially_paid' | 'declined' | 'cancelled' | 'expired';

/** Still takes payments: a directed request until paid; an open one until cancelled or expired. */
export function isPayable(status: PaymentRequestStatus): boolean {
  return status === 'requested' || status === 'partially_paid';
}

/**
 * The status after one payment: a request to one user is `paid`; an open request (anyone with the link may pay,
 * each payer once) is `partially_paid` until it is cancelled or expires.
 */
export function statusAfterPayment(open: boolean): 'paid' | 'partially_paid' {
  return open ? 'partially_paid' : 'paid';
}

/** At its expiry an open request that was paid at least once is `paid`; anything else unpaid is `expired`. */
export function statusAtExpiry(paidCount: number): 'paid' | 'expired' {
  return paidCount > 0 ? 'paid' : 'expired';
}

export const REMINDER_INTERVAL_MS = 24 * 3_600_000;
