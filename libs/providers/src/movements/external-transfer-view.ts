import { Money } from '#monay/kernel';
import {
  outboxMessage,
  type AnyOutboxMessage,
  type DomainEventName,
  type DomainEvents,
  type StoredResponse,
} from '#monay/shared';
import {
  ExternalTransferCompleted,
  ExternalTransferFailed,
  ExternalTransferRequested,
  type ExternalTransferCompletedPayload,
  type ExternalTransferFailedPayload,
  type ExternalTransferRequestedPayload,
} from '../domain/events/external-transfer.events';
import { batchIdOf, legsOf, noteOf } from '../domain/external-transfer';
import type { Movement } from '../domain/movement';
import type { MovementTransition } from './movement-policy';
import { httpStatusOf, visibleStatusOf } from './movement-view';

const TX_HASH = /^0x[0-9a-f]{64}$/i;

const money = (minor: bigint | null, movement: Movement): string | null =>
  minor === null ? null : Money.of(minor, movement.currency).toDecimalString();

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

function failureOf(movement: Movement): { code: string; message: string } | undefined {
  return movement.failureCode
    ? { code: movement.failureCode, message: movement.failureMessage ?? movement.failureCode }
    : undefined;
}

/** The on-chain transaction hash, when the provider's id is one (Tempo); null otherwise (Circle, Monay ids). */
export function txHashOf(movement: Pick<Movement, 'providerTransactionId'>): string | null {
  const id = movement.providerTransactionId;
  return id !== null && TX_HASH.test(id) ? id : null;
}

/**
 * An external transfer (kind `external_transfer`) or a provider batch (kind `batch`) as its sender sees it: the
 * transfer shape clients know (`id, status, amount, fee, currency, to, …`) with the provider's side of it.
 */
export function toExternalTransferView(movement: Movement) {
  const failure = failureOf(movement);
  const legs = legsOf(movement);
  const batch = movement.kind === 'batch';
  return {
    id: movement.id,
    type: batch ? ('external_batch' as const) : ('external' as const),
    ...visibleStatusOf(movement),
    from: { userId: movement.userId },
    to: batch ? null : { external: true as const, address: movement.destination ?? '' },
    ...(batch && {
      recipients: legs.map((leg) => ({
        index: leg.index,
        to: { external: true as const, address: leg.to },
        amount: Money.of(BigInt(leg.amount), movement.currency).toDecimalString(),
        note: leg.note,
      })),
    }),
    amount: Money.of(movement.amount, movement.currency).toDecimalString(),
    /** The provider's fee, once it has settled (a provider batch: one fee for every leg). */
    fee: money(movement.fee, movement),
    /** What left the wallet: amount + fee, once settled. */
    debited: money(movement.netAmount, movement),
    /** Reserved while under way: amount + the highest fee a candidate provider may charge. */
    held:
      movement.holdId && movement.feeHeld !== null
        ? money(movement.amount + movement.feeHeld, movement)
        : null,
    currency: movement.currency,
    note: noteOf(movement),
    batchId: batchIdOf(movement),
    provider: movement.provider,
    skippedProviders: movement.skipped,
    settlementTimeMs: movement.settlementTimeMs,
    txHash: txHashOf(movement),
    providerTransactionId: movement.providerTransactionId,
    providerStatus: movement.providerStatus,
    transactionId: movement.ledgerTransactionId,
    createdAt: movement.createdAt.toISOString(),
    completedAt: iso(movement.completedAt),
    ...(failure && { failure }),
  };
}

export type ExternalTransferView = ReturnType<typeof toExternalTransferView>;

/** A movement's status changes as far as they are known (for the transfer status route). */
export function externalTransferHistory(movement: Movement) {
  const history: Array<{ status: string; at: string; reason?: string }> = [
    { status: 'pending', at: movement.createdAt.toISOString() },
  ];
  if (movement.status === 'processing') {
    history.push({ status: 'processing', at: movement.updatedAt.toISOString() });
  }
  if (movement.completedAt) {
    history.push({
      status: movement.status,
      at: movement.completedAt.toISOString(),
      ...(movement.failureCode && { reason: movement.failureCode }),
    });
  }
  return history;
}

/**
 * The send route's answer for an external transfer: `transfer` (201 completed, 202 under way, 422 refused or
 * failed with `error`) and, at the top, the provider's side: provider, skippedProviders, settlementTimeMs,
 * txHash, providerTransactionId.
 */
export function externalTransferResponse(movement: Movement): StoredResponse {
  const view = toExternalTransferView(movement);
  const status = httpStatusOf(movement);
  const routing = {
    provider: view.provider,
    skippedProviders: view.skippedProviders,
    settlementTimeMs: view.settlementTimeMs,
    txHash: view.txHash,
    providerTransactionId: view.providerTransactionId,
  };
  if (status === 422) {
    return {
      status,
      body: {
        success: false,
        error: failureOf(movement) ?? { code: 'PROVIDER_FAILED', message: '' },
        transfer: view,
        ...routing,
      },
    };
  }
  return { status, body: { success: true, transfer: view, ...routing } };
}

/** The outbox events of an external transfer's or provider batch's transition. */
export function externalTransferEvents(
  movement: Movement,
  transition: MovementTransition,
  context: { holdReleased: boolean },
): AnyOutboxMessage[] {
  const amount = (minor: bigint) => Money.of(minor, movement.currency).toDecimalString();
  const batch = movement.kind === 'batch';
  const common = {
    transferId: movement.id,
    userId: movement.userId,
    currency: movement.currency,
    amount: amount(movement.amount),
    to: batch ? null : movement.destination,
    recipients: batch ? legsOf(movement).length : 1,
    batchId: batchIdOf(movement),
    note: noteOf(movement),
  };
  const message = <K extends DomainEventName>(type: K, payload: DomainEvents[K]) => [
    outboxMessage(type, movement.id, [movement.userId], payload),
  ];
  switch (transition) {
    case 'requested':
      return message(ExternalTransferRequested, {
        ...common,
        held: amount(movement.amount + (movement.feeHeld ?? 0n)),
      } satisfies ExternalTransferRequestedPayload);
    case 'processing':
      return [];
    case 'completed':
      return message(ExternalTransferCompleted, {
        ...common,
        fee: amount(movement.fee ?? 0n),
        debited: amount(movement.netAmount ?? 0n),
        provider: movement.provider ?? '',
        providerTransactionId: movement.providerTransactionId ?? '',
        ledgerTransactionId: movement.ledgerTransactionId ?? '',
        completedAt: (movement.completedAt ?? new Date()).toISOString(),
      } satisfies ExternalTransferCompletedPayload);
    case 'failed':
      return message(ExternalTransferFailed, {
        ...common,
        provider: movement.provider,
        reason: movement.failureCode ?? 'PROVIDER_FAILED',
        holdReleased: context.holdReleased,
      } satisfies ExternalTransferFailedPayload);
  }
}
