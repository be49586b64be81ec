import { Money, type CurrencyCode } from '#monay/kernel';
import { maskRecipient } from '../domain/recipient-ref';
import type { StatusChange } from '../domain/transfer';
import type { TransferRecord } from '../infrastructure/transfer.repository';

export interface TransferView {
  id: string;
  status: string;
  from: { userId: string };
  /**
   * The sender sees what they typed (`ref`) and its masked form, never the recipient's internal id; the
   * recipient sees their own id.
   */
  to: { ref: string; displayName: string } | { userId: string; ref: string };
  amount: string;
  currency: string;
  fee: string;
  note: string | null;
  batchId: string | null;
  createdAt: string;
  completedAt: string | null;
  failure?: { code: string; message: string };
}

/** A transfer as `viewerId` (its sender or its recipient) may see it. */
export function toTransferView(transfer: TransferRecord, viewerId: string): TransferView {
  const currency = transfer.currency as CurrencyCode;
  const recipientView = viewerId === transfer.recipientUserId;
  return {
    id: transfer.id,
    status: transfer.status,
    from: { userId: transfer.senderUserId },
    to: recipientView
      ? { userId: transfer.recipientUserId, ref: transfer.recipientRef }
      : { ref: transfer.recipientRef, displayName: maskRecipient(transfer.recipientRef) },
    amount: Money.of(transfer.amount, currency).toDecimalString(),
    currency,
    fee: Money.of(transfer.fee, currency).toDecimalString(),
    note: transfer.note,
    batchId: transfer.batchId,
    createdAt: transfer.createdAt.toISOString(),
    completedAt: transfer.completedAt?.toISOString() ?? null,
    ...(transfer.failureCode && {
      failure: { code: transfer.failureCode, message: transfer.failureMessage ?? '' },
    }),
  };
}

export function toHistoryView(history: readonly StatusChange[]) {
  return history.map((change) => ({
    status: change.status,
    at: change.at.toISOString(),
    ...(change.reason && { reason: change.reason }),
  }));
}
