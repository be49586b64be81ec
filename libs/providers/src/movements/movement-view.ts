import { Money } from '#monay/kernel';
import type { StoredResponse } from '#monay/shared';
import { expectedArrival, maskDestination, type Movement } from '../domain/movement';
import { reviewOf } from '../domain/movement-exception';

const money = (minor: bigint | null, movement: Movement): string | null =>
  minor === null ? null : Money.of(minor, movement.currency).toDecimalString();

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/**
 * The status a client sees: `pending` and `processing` both answer 202, and so does a movement a provider
 * completed that is under review (its booking refused, held in suspense for an operator).
 */
export function httpStatusOf(movement: Movement): number {
  if (reviewOf(movement)) return 202;
  if (movement.status === 'completed') return 201;
  if (movement.status === 'failed') return 422;
  return 202;
}

/**
 * The status a client sees in a view: the movement's own, or `under_review` while a completed movement's
 * booking waits for an operator (with `review`: why).
 */
export function visibleStatusOf(movement: Movement) {
  const review = reviewOf(movement);
  return review
    ? {
        status: 'under_review' as const,
        review: { code: review.code, message: review.message, exceptionId: review.exceptionId },
      }
    : { status: movement.status };
}

function failureOf(movement: Movement): { code: string; message: string } | undefined {
  return movement.failureCode
    ? { code: movement.failureCode, message: movement.failureMessage ?? movement.failureCode }
    : undefined;
}

export function toDepositView(movement: Movement) {
  const failure = failureOf(movement);
  return {
    id: movement.id,
    ...visibleStatusOf(movement),
    amount: Money.of(movement.amount, movement.currency).toDecimalString(),
    fee: money(movement.fee, movement),
    credited: money(movement.netAmount, movement),
    currency: movement.currency,
    provider: movement.provider,
    skippedProviders: movement.skipped,
    settlementTimeMs: movement.settlementTimeMs,
    method: movement.method,
    urgency: movement.speed,
    transactionId: movement.ledgerTransactionId,
    createdAt: movement.createdAt.toISOString(),
    completedAt: iso(movement.completedAt),
    ...(failure && { failure }),
  };
}

export function toWithdrawalView(movement: Movement) {
  const failure = failureOf(movement);
  const speed = movement.speed ?? 'standard';
  const arrival =
    movement.expectedArrivalEarliest || movement.expectedArrivalLatest
      ? { earliest: movement.expectedArrivalEarliest, latest: movement.expectedArrivalLatest }
      : movement.status === 'failed'
        ? { earliest: null, latest: null }
        : expectedArrival(speed, movement.createdAt, movement.completedAt);
  return {
    id: movement.id,
    ...visibleStatusOf(movement),
    amount: Money.of(movement.amount, movement.currency).toDecimalString(),
    fee: money(movement.fee, movement),
    /** What left the wallet: amount + fee, once settled. */
    debited: money(movement.netAmount, movement),
    /** What is reserved on the wallet while the withdrawal is under way (amount + the highest possible fee). */
    held:
      movement.holdId && movement.feeHeld !== null
        ? money(movement.amount + movement.feeHeld, movement)
        : null,
    currency: movement.currency,
    destination: movement.destination ? maskDestination(movement.destination) : null,
    speed,
    provider: movement.provider,
    skippedProviders: movement.skipped,
    settlementTimeMs: movement.settlementTimeMs,
    estimatedArrival: { earliest: iso(arrival.earliest), latest: iso(arrival.latest) },
    transactionId: movement.ledgerTransactionId,
    createdAt: movement.createdAt.toISOString(),
    completedAt: iso(movement.completedAt),
    ...(failure && { failure }),
  };
}

/**
 * The deposit route's answer: the `deposit` resource, plus the top-level fields the in-house deposit answered
 * with (success, transactionId, amount, currency, fee, provider, method, status, settlementTimeMs).
 */
export function depositResponse(movement: Movement): StoredResponse {
  const view = toDepositView(movement);
  const status = httpStatusOf(movement);
  if (status === 422) {
    return {
      status,
      body: {
        success: false,
        error: failureOf(movement) ?? { code: 'PROVIDER_FAILED', message: '' },
        deposit: view,
      },
    };
  }
  return {
    status,
    body: {
      success: true,
      transactionId: view.transactionId,
      amount: view.amount,
      currency: view.currency,
      fee: view.fee,
      credited: view.credited,
      provider: view.provider,
      method: view.method,
      status: status === 201 ? 'completed' : view.status === 'under_review' ? 'under_review' : 'processing',
      settlementTimeMs: view.settlementTimeMs,
      deposit: view,
    },
  };
}

export function withdrawalResponse(movement: Movement): StoredResponse {
  const view = toWithdrawalView(movement);
  const status = httpStatusOf(movement);
  if (status === 422) {
    return {
      status,
      body: {
        success: false,
        error: failureOf(movement) ?? { code: 'PROVIDER_FAILED', message: '' },
        withdrawal: view,
      },
    };
  }
  return { status, body: { success: true, withdrawal: view } };
}
