import { Command } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';

/** One external recipient of a batch request: a 0x address. */
export interface ExternalBatchLeg {
  /** Its index in the client's `recipients`. */
  index: number;
  /** `0x` and 40 hex digits, any case (sent in lower case). */
  to: string;
  amount: Money;
  note: string | null;
}

/** What happened to one recipient of a batch request, as the batch answer reports it. */
export interface BatchRecipientResult {
  index: number;
  /** As the client sent it (an external address in lower case). */
  to: string;
  /** internal: a Monay wallet, booked in the ledger at once; external: a 0x address, through a provider. */
  kind: 'internal' | 'external';
  status: 'pending' | 'processing' | 'completed' | 'failed';
  amount: string;
  currency: string;
  /** `GET /api/p2p-transfer/status/:id` finds it: internal transfers and individual external transfers. */
  transferId: string | null;
  /** The provider movement carrying it (the legs of one provider batch share it); null for internal legs. */
  movementId: string | null;
  /**
   * What this recipient's own transfer cost: an individual external transfer's provider fee (null until
   * known); zero for internal legs and legs of a provider batch, whose one fee is at the batch level.
   */
  fee: string | null;
  provider: string | null;
  error?: { code: string; message: string };
}

/** What the context that owns a batch's internal recipients booked for them (all completed). */
export interface InternalBatchBooked {
  /** One result per internal recipient (all completed). */
  results: BatchRecipientResult[];
  /** Monay's batch fee, charged once for the internal legs. */
  fee: string;
  feeCurrency: string;
  ledgerTransactionId: string;
  /** The internal transfers as a batch answer lists them (plain JSON). */
  transfers: unknown[];
}

/** One internal recipient of a batch request: a Monay user, resolved by the transfers context. */
export interface InternalBatchLeg {
  /** Its index in the client's `recipients`. */
  index: number;
  /** As the client sent it. */
  to: string;
  amount: Money;
  note: string | null;
  recipient: { userId: string; ref: string };
}

/** The internal recipients of a batch request (data: transfers books them through {@link InternalBatchBooking}). */
export interface InternalBatchPart {
  readonly senderId: string;
  readonly legs: ReadonlyArray<InternalBatchLeg>;
}

/**
 * A batch request (`POST /api/consumer/batch-transfer`) with external recipients: the internal part (if any)
 * is booked atomically by its context (InternalBatchBooking) in the request's first transaction; the external part goes as ONE provider batch per currency when a native
 * batch provider (Tempo) can take it, otherwise as one external transfer per leg through the fallback
 * providers. One client key for the whole request (SendExternalBatchHandler explains how).
 */
export class SendExternalBatchCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotency: { key: string; scope: string; body: unknown },
    readonly recipientCount: number,
    readonly external: ExternalBatchLeg[],
    readonly internal: InternalBatchPart | null,
  ) {
    super();
  }
}
