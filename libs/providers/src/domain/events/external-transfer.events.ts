/*
 * The domain events of money sent on chain to external 0x addresses through providers: one external transfer
 * (a single address), or one provider batch transaction (many addresses, one fee). Written to the outbox in
 * the transaction of the change they describe. Amounts are decimal strings in `currency`; `userId` is the
 * sender. A batch request's external legs carry its `batchId` (the id the batch answer has).
 */

/** What every external transfer event says about the movement. */
interface ExternalTransferCommon extends Record<string, unknown> {
  /** The movement's id (`GET /api/p2p-transfer/status/:id` finds it). */
  transferId: string;
  userId: string;
  currency: string;
  /** What is sent (for a provider batch: the sum of its legs). */
  amount: string;
  /** The address, or null for a provider batch (many addresses). */
  to: string | null;
  /** How many addresses: 1, or a provider batch's legs. */
  recipients: number;
  /** The batch request it belongs to, or null for a single transfer. */
  batchId: string | null;
  note: string | null;
}

/**
 * Recorded and `held` (= amount + the highest fee a candidate provider may charge) reserved on the wallet:
 * the available balance is lower at once, the posted balance unchanged.
 */
export const ExternalTransferRequested = 'ExternalTransferRequested';

export interface ExternalTransferRequestedPayload extends ExternalTransferCommon {
  held: string;
}

/** A provider completed it: the wallet was debited `debited` (= amount + fee), the rest of the hold released. */
export const ExternalTransferCompleted = 'ExternalTransferCompleted';

export interface ExternalTransferCompletedPayload extends ExternalTransferCommon {
  fee: string;
  debited: string;
  provider: string;
  providerTransactionId: string;
  ledgerTransactionId: string;
  completedAt: string;
}

/**
 * It failed: refused at once (funds, limits: nothing held), or failed at or before the provider (its hold
 * released in full: `holdReleased`). Nothing left the wallet.
 */
export const ExternalTransferFailed = 'ExternalTransferFailed';

export interface ExternalTransferFailedPayload extends ExternalTransferCommon {
  provider: string | null;
  reason: string;
  holdReleased: boolean;
}
