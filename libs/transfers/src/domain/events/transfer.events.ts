/** Money moved between two Monay wallets (alone, or as one item of a batch). Amounts are decimal strings. */
export const FundsTransferred = 'FundsTransferred';

export interface FundsTransferredPayload extends Record<string, unknown> {
  transferId: string;
  batchId: string | null;
  senderId: string;
  recipientId: string;
  /**
   * What the sender typed for the recipient (email, phone, user id or address). The sender is shown its masked
   * form (maskRecipient), never `recipientId`. Absent from events written before it existed.
   */
  recipientRef?: string;
  currency: string;
  amount: string;
  fee: string;
  note: string | null;
  ledgerTransactionId: string;
  completedAt: string;
}

/** A transfer (or a whole batch) was refused; nothing moved. */
export const TransferFailed = 'TransferFailed';

export interface TransferFailedPayload extends Record<string, unknown> {
  transferId: string | null;
  batchId: string | null;
  senderId: string;
  currency: string;
  amount: string;
  reason: string;
}

/** A batch moved all its items in one ledger transaction; `fee` was charged once. */
export const BatchTransferCompleted = 'BatchTransferCompleted';

export interface BatchTransferCompletedPayload extends Record<string, unknown> {
  batchId: string;
  senderId: string;
  recipientCount: number;
  totals: Array<{ currency: string; amount: string }>;
  feeCurrency: string;
  fee: string;
  ledgerTransactionId: string;
}
