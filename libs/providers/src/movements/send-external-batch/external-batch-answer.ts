import { Money, type CurrencyCode } from '#monay/kernel';
import type { StoredResponse } from '#monay/shared';
import { legsOf } from '../../domain/external-transfer';
import type { Movement } from '../../domain/movement';
import { toExternalTransferView } from '../external-transfer-view';
import type { BatchRecipientResult } from './send-external-batch.command';

/** An external recipient of a batch request and the provider movement that carries it now. */
export interface ExternalLegState {
  index: number;
  to: string;
  /** Decimal string in `currency`. */
  amount: string;
  currency: CurrencyCode;
  movement: Movement;
}

/** The internal part's section of the answer, once booked. */
export interface InternalSection {
  fee: string;
  feeCurrency: string;
  ledgerTransactionId: string;
  transfers: unknown[];
}

export interface BatchAnswerInput {
  batchId: string;
  recipientCount: number;
  internal: InternalSection | null;
  /** One per internal recipient: completed (booked) or failed (the request refused). */
  internalResults: BatchRecipientResult[];
  legs: ExternalLegState[];
  /** The provider batch movements made for the request (one per currency), in order; fallen-back ones too. */
  batches: Movement[];
  /** The whole request was refused before anything moved (funds, limits). */
  refusal?: { code: string; message: string; details?: Record<string, unknown> };
}

export type BatchStatus = 'completed' | 'processing' | 'partially_completed' | 'failed';

/** HTTP status of each batch status: 207 Multi-Status when some recipients were paid and some not. */
const HTTP_STATUS: Record<BatchStatus, number> = {
  completed: 201,
  processing: 202,
  partially_completed: 207,
  failed: 422,
};

const decimal = (minor: bigint, currency: string) =>
  Money.of(minor, currency as CurrencyCode).toDecimalString();

function externalResult(leg: ExternalLegState): BatchRecipientResult {
  const movement = leg.movement;
  const inProviderBatch = movement.kind === 'batch';
  return {
    index: leg.index,
    to: leg.to,
    kind: 'external',
    status: movement.status,
    amount: leg.amount,
    currency: leg.currency,
    transferId: inProviderBatch ? null : movement.id,
    movementId: movement.id,
    fee: inProviderBatch
      ? decimal(0n, leg.currency)
      : movement.fee === null
        ? null
        : decimal(movement.fee, leg.currency),
    provider: movement.provider,
    ...(movement.failureCode && {
      error: { code: movement.failureCode, message: movement.failureMessage ?? movement.failureCode },
    }),
  };
}

function providerBatchView(movement: Movement) {
  const view = toExternalTransferView(movement);
  return {
    id: view.id,
    status: view.status,
    provider: view.provider,
    currency: view.currency,
    amount: view.amount,
    /** One fee for every leg. */
    fee: view.fee,
    held: view.held,
    debited: view.debited,
    recipients: legsOf(movement).length,
    txHash: view.txHash,
    providerTransactionId: view.providerTransactionId,
    skippedProviders: view.skippedProviders,
    settlementTimeMs: view.settlementTimeMs,
    ...(view.failure && { failure: view.failure }),
  };
}

/**
 * The answer to a batch request with external recipients, as it stands: per-recipient results (in request
 * order), the internal part as the internal batch answers it (fee, feeCurrency, ledgerTransactionId,
 * transfers), the provider batches, every fee charged so far, and the batch's status:
 * - completed (201): every recipient paid;
 * - processing (202): a provider has not settled yet (`GET /api/p2p-transfer/status/:id` per transfer or
 *   provider batch, or the same request again, tells how it ends);
 * - partially_completed (207): settled, some paid and some not (each failure says why; nothing was taken for
 *   those: their holds were voided);
 * - failed (422): nobody was paid — the whole request refused (funds, limits: `error`), or every recipient
 *   failed.
 */
export function batchAnswer(input: BatchAnswerInput): StoredResponse {
  const results = [...input.internalResults, ...input.legs.map(externalResult)].sort(
    (a, b) => a.index - b.index,
  );
  const summary = { completed: 0, processing: 0, failed: 0 };
  for (const result of results) {
    if (result.status === 'completed') summary.completed += 1;
    else if (result.status === 'failed') summary.failed += 1;
    else summary.processing += 1;
  }
  const status: BatchStatus = input.refusal
    ? 'failed'
    : summary.processing > 0
      ? 'processing'
      : summary.failed === 0
        ? 'completed'
        : summary.completed === 0
          ? 'failed'
          : 'partially_completed';

  const totals = new Map<string, bigint>();
  for (const result of results) {
    const amount = Money.parse(result.amount, result.currency as CurrencyCode).minor;
    totals.set(result.currency, (totals.get(result.currency) ?? 0n) + amount);
  }
  const movements = new Map<string, Movement>();
  for (const movement of [...input.batches, ...input.legs.map((leg) => leg.movement)]) {
    movements.set(movement.id, movement);
  }
  const providerFees = new Map<string, bigint>();
  for (const movement of movements.values()) {
    if (movement.status !== 'completed' || movement.fee === null) continue;
    providerFees.set(movement.currency, (providerFees.get(movement.currency) ?? 0n) + movement.fee);
  }

  const batch = {
    id: input.batchId,
    status,
    recipientCount: input.recipientCount,
    totals: [...totals].map(([currency, amount]) => ({ currency, amount: decimal(amount, currency) })),
    /** Monay's batch fee, charged once for the internal recipients (null without any). */
    fee: input.internal?.fee ?? null,
    feeCurrency: input.internal?.feeCurrency ?? null,
    ledgerTransactionId: input.internal?.ledgerTransactionId ?? null,
    transfers: input.internal?.transfers ?? [],
    external: {
      batches: input.batches.map(providerBatchView),
      /** What the providers charged so far, per currency. */
      fees: [...providerFees].map(([currency, amount]) => ({ currency, amount: decimal(amount, currency) })),
    },
    results,
    summary,
  };
  const httpStatus = HTTP_STATUS[status];
  if (httpStatus !== 422) return { status: httpStatus, body: { success: true, batch } };
  return { status: httpStatus, body: { success: false, error: input.refusal ?? failureOf(results), batch } };
}

function failureOf(results: BatchRecipientResult[]): { code: string; message: string } {
  const errors = results.flatMap((result) => (result.error ? [result.error] : []));
  const codes = new Set(errors.map((error) => error.code));
  if (codes.size === 1 && errors[0]) return errors[0];
  return { code: 'BATCH_FAILED', message: 'No recipient of this batch was paid; each result says why' };
}

/** What a stored batch answer says about its recipients and movements (to answer a replay as things stand). */
export interface StoredBatch {
  input: Omit<BatchAnswerInput, 'legs' | 'batches'>;
  legs: Array<Omit<ExternalLegState, 'movement'> & { movementId: string }>;
  batchIds: string[];
}

/** Reads a stored batch answer back; null if it is not one. */
export function readStoredBatch(body: Record<string, unknown>): StoredBatch | null {
  const batch = body.batch as
    | {
        id: string;
        recipientCount: number;
        fee: string | null;
        feeCurrency: string | null;
        ledgerTransactionId: string | null;
        transfers: unknown[];
        results?: BatchRecipientResult[];
        external?: { batches: Array<{ id: string }> };
      }
    | undefined;
  if (!batch?.results || !batch.external) return null;
  const internalResults = batch.results.filter((result) => result.kind === 'internal');
  const legs = batch.results
    .filter((result) => result.kind === 'external' && result.movementId !== null)
    .map((result) => ({
      index: result.index,
      to: result.to,
      amount: result.amount,
      currency: result.currency as CurrencyCode,
      movementId: result.movementId as string,
    }));
  const internal =
    batch.ledgerTransactionId !== null && batch.fee !== null && batch.feeCurrency !== null
      ? {
          fee: batch.fee,
          feeCurrency: batch.feeCurrency,
          ledgerTransactionId: batch.ledgerTransactionId,
          transfers: batch.transfers,
        }
      : null;
  return {
    input: { batchId: batch.id, recipientCount: batch.recipientCount, internal, internalResults },
    legs,
    batchIds: batch.external.batches.map((entry) => entry.id),
  };
}
