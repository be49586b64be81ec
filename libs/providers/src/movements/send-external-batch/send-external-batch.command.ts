import { Command } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import type { DomainError, Money } from '#monay/kernel';
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

/** The internal part of a batch request, booked (all or nothing) by the transfers context. */
export interface InternalBatchBooking {
  /** One result per internal recipient (all completed). */
  results: BatchRecipientResult[];
  /** Monay's batch fee, charged once for the internal legs. */
  fee: string;
  feeCurrency: string;
  ledgerTransactionId: string;
  /** The internal transfers as a batch answer lists them (plain JSON). */
  transfers: unknown[];
}

/**
 * The internal recipients of a batch request, booked by the context that owns them (transfers) inside the
 * batch request's own transaction, so that the key, the internal booking and the external holds commit
 * together or not at all.
 */
export interface BatchInternalPart {
  /** The internal recipients (to report them when the whole request is refused). */
  readonly legs: ReadonlyArray<{ index: number; to: string; amount: Money }>;
  /** Books every internal leg and the fee (limits consumed) in `tx`; a refusal (funds, limits) is thrown. */
  book(tx: EntityManager, batchId: string): Promise<InternalBatchBooking>;
  /** Records the internal legs as refused with `error`, in `tx`, after the request was refused as a whole. */
  refuse(tx: EntityManager, batchId: string, error: DomainError): Promise<void>;
}

/**
 * A batch request (`POST /api/consumer/batch-transfer`) with external recipients: the internal part (if any)
 * is booked atomically as before; the external part goes as ONE provider batch per currency when a native
 * batch provider (Tempo) can take it, otherwise as one external transfer per leg through the fallback
 * providers. One client key for the whole request (SendExternalBatchHandler explains how).
 */
export class SendExternalBatchCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotency: { key: string; scope: string; body: unknown },
    readonly recipientCount: number,
    readonly external: ExternalBatchLeg[],
    readonly internal: BatchInternalPart | null,
  ) {
    super();
  }
}
