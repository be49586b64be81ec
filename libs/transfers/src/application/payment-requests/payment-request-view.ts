import { Money, type CurrencyCode } from '#monay/kernel';
import type { PaymentRecord, PaymentRequestRecord } from '../../infrastructure/payment-request.repository';

export interface PaymentRequestView {
  id: string;
  /** `outgoing`: you asked; `incoming`: you are asked (or may pay an open request). */
  direction: 'outgoing' | 'incoming';
  open: boolean;
  status: string;
  currency: string;
  amount: string | null;
  paidAmount: string;
  note: string | null;
  /** To whom (outgoing, directed): what the requester typed. */
  payer: { ref: string } | null;
  shareLink: string;
  eip681: string | null;
  expiresAt: string;
  lastRemindedAt: string | null;
  createdAt: string;
  /** Fulfilment: who paid (the requester sees each payment; a payer sees their own), when, by which transfer. */
  payments: Array<{ transferId: string; amount: string; currency: string; paidAt: string; byYou: boolean }>;
}

export function toPaymentRequestView(
  request: PaymentRequestRecord,
  viewerId: string,
  payments: PaymentRecord[],
  links: { shareLink: string; eip681: string | null },
): PaymentRequestView {
  const currency = request.currency as CurrencyCode;
  const outgoing = request.requesterUserId === viewerId;
  return {
    id: request.id,
    direction: outgoing ? 'outgoing' : 'incoming',
    open: request.payerUserId === null,
    status: request.status,
    currency,
    amount: request.amount === null ? null : Money.of(request.amount, currency).toDecimalString(),
    paidAmount: Money.of(request.paidAmount, currency).toDecimalString(),
    note: request.note,
    payer: outgoing && request.payerRef ? { ref: request.payerRef } : null,
    shareLink: links.shareLink,
    eip681: links.eip681,
    expiresAt: request.expiresAt.toISOString(),
    lastRemindedAt: request.lastRemindedAt?.toISOString() ?? null,
    createdAt: request.createdAt.toISOString(),
    payments: payments
      .filter((p) => p.requestId === request.id && (outgoing || p.payerUserId === viewerId))
      .map((p) => ({
        transferId: p.transferId,
        amount: Money.of(p.amount, p.currency as CurrencyCode).toDecimalString(),
        currency: p.currency,
        paidAt: p.paidAt.toISOString(),
        byYou: p.payerUserId === viewerId,
      })),
  };
}
