import { Money } from '#monay/kernel';
import type { MovementException } from '../domain/movement-exception';

/** A movement exception as operators see it (amounts as decimal strings). */
export function toMovementExceptionView(exception: MovementException) {
  const transaction = exception.providerTransaction;
  const money = (minor: bigint, currency = exception.currency) => Money.of(minor, currency).toDecimalString();
  return {
    id: exception.id,
    status: exception.status,
    movement: { id: exception.movementId, kind: exception.kind, userId: exception.userId },
    provider: exception.provider,
    providerTransactionId: transaction.providerTransactionId,
    currency: exception.currency,
    amount: money(exception.amount),
    fee: money(transaction.fee),
    ...(transaction.swapOut && {
      delivered: {
        currency: transaction.swapOut.currency,
        amount: money(transaction.swapOut.amount, transaction.swapOut.currency),
      },
    }),
    reason: { code: exception.reasonCode, message: exception.reason },
    suspenseTransactionId: exception.suspenseTransactionId,
    resolution: exception.resolution,
    createdAt: exception.createdAt.toISOString(),
    resolvedAt: exception.resolvedAt?.toISOString() ?? null,
  };
}

export type MovementExceptionView = ReturnType<typeof toMovementExceptionView>;
