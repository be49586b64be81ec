import type { EntityManager } from 'typeorm';
import type { DomainError } from '#monay/kernel';
import type { InternalBatchBooked, InternalBatchPart } from './send-external-batch.command';

/**
 * The port through which a batch request's internal (Monay wallet) recipients are booked by the context that
 * owns them (transfers implements it and provides it under {@link INTERNAL_BATCH_BOOKING}), inside the batch
 * request's own transaction: the key, the internal booking and the external holds commit together or not at
 * all. The request itself carries only data ({@link InternalBatchPart}).
 */
export interface InternalBatchBooking {
  /** Books every internal leg and the fee (limits consumed) in `tx`; a refusal (funds, limits) is thrown. */
  book(tx: EntityManager, part: InternalBatchPart, batchId: string): Promise<InternalBatchBooked>;
  /** Records the internal legs as refused with `error`, in `tx`, after the request was refused as a whole. */
  refuse(tx: EntityManager, part: InternalBatchPart, batchId: string, error: DomainError): Promise<void>;
}

export const INTERNAL_BATCH_BOOKING = Symbol('INTERNAL_BATCH_BOOKING');
