/*
 * The domain events of bill payments from the wallet. Amounts are decimal strings of the wallet's currency.
 */

interface BillPaymentCommon extends Record<string, unknown> {
  billPaymentId: string;
  userId: string;
  payeeId: string;
  billerName: string;
  /** The type analytics classifies the bill by (`electricity`, `phone`, `credit_card`…). */
  billerType: string;
  method: 'electronic' | 'paper';
  currency: string;
  amount: string;
  /** The payee's account number, masked. */
  account: string;
}

/** A bill payment was scheduled: its amount is held on the wallet until it is sent. */
export const BillPaymentRequested = 'BillPaymentRequested';

export interface BillPaymentRequestedPayload extends BillPaymentCommon {
  estimatedDelivery: string;
}

/** The payment was sent to the biller: the hold is posted (the wallet debited). */
export const BillPaymentSent = 'BillPaymentSent';

export interface BillPaymentSentPayload extends BillPaymentCommon {
  ledgerTransactionId: string;
  sentAt: string;
  estimatedDelivery: string;
}

/** The payment failed or was cancelled before it was sent: the hold is released, nothing moved. */
export const BillPaymentFailed = 'BillPaymentFailed';

export interface BillPaymentFailedPayload extends BillPaymentCommon {
  status: 'failed' | 'cancelled';
  reason: string;
}

/** The biller reversed a posted payment: a new ledger transaction gives the amount back. */
export const BillPaymentReversed = 'BillPaymentReversed';

export interface BillPaymentReversedPayload extends BillPaymentCommon {
  ledgerTransactionId: string;
  reversedAt: string;
}
