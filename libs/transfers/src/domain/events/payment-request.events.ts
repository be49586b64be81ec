/**
 * A payment request was made: to one user (`payerId`), or open to anyone with its link (`payerId` null). `amount`
 * null: the payer chooses it (open requests only). Amounts are decimal strings, times ISO 8601 (the app clock).
 */
export const PaymentRequestCreated = 'PaymentRequestCreated';

export interface PaymentRequestCreatedPayload extends Record<string, unknown> {
  requestId: string;
  requesterId: string;
  payerId: string | null;
  currency: string;
  amount: string | null;
  note: string | null;
  expiresAt: string;
}

/**
 * A payer paid the request through the normal transfer path (`transferId`, a FundsTransferred of the same
 * transaction). `status` is the request's after it: `paid`, or `partially_paid` for an open request that takes
 * more payers until it is cancelled or expires.
 */
export const PaymentRequestPaid = 'PaymentRequestPaid';

export interface PaymentRequestPaidPayload extends Record<string, unknown> {
  requestId: string;
  requesterId: string;
  payerId: string;
  transferId: string;
  currency: string;
  amount: string;
  status: 'paid' | 'partially_paid';
  paidAt: string;
}

/** The request closed without (more) payment: declined by its payer, cancelled by its requester, or expired. */
export const PaymentRequestClosed = 'PaymentRequestClosed';

export interface PaymentRequestClosedPayload extends Record<string, unknown> {
  requestId: string;
  requesterId: string;
  payerId: string | null;
  /** `paid`: an open request that had payments reached its expiry. */
  status: 'declined' | 'cancelled' | 'expired' | 'paid';
  currency: string;
  amount: string | null;
  at: string;
}

/** The requester reminded the payer (at most once per 24 hours; never to a payer who blocked the requester). */
export const PaymentRequestReminded = 'PaymentRequestReminded';

export interface PaymentRequestRemindedPayload extends Record<string, unknown> {
  requestId: string;
  requesterId: string;
  payerId: string;
  currency: string;
  amount: string | null;
  note: string | null;
  expiresAt: string;
  at: string;
}
