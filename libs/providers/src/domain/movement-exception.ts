import { DomainError, type CurrencyCode, type ErrorKind } from '#monay/kernel';
import type { Movement, MovementKind } from './movement';
import type { ProviderName, ProviderTransaction } from './stablecoin-provider.port';

/**
 * A movement a provider completed that could not be booked as it should have been (the wallet cannot take the
 * credit, an amount its columns cannot hold …): a deterministic refusal that retrying the settlement would only
 * repeat for ever. The provider's side of it is booked against the suspense account
 * {@link EXCEPTIONS_SUSPENSE} (so the provider's clearing account still mirrors the provider and reconciliation
 * stays clean), the movement is settled with it, and an operator resolves the exception.
 */
export interface MovementException {
  id: string;
  movementId: string;
  userId: string;
  kind: MovementKind;
  provider: ProviderName;
  currency: CurrencyCode;
  /** The movement's amount, minor units. */
  amount: bigint;
  /** Why its booking was refused: the refusal's stable code and message. */
  reasonCode: string;
  reason: string;
  details: Record<string, unknown>;
  /** The ledger transaction that booked the provider's side against suspense. */
  suspenseTransactionId: string;
  /** The provider's final report, from which a retry books the movement as it should have been. */
  providerTransaction: ProviderTransaction;
  status: 'open' | 'resolved';
  resolution: Record<string, unknown> | null;
  createdAt: Date;
  resolvedAt: Date | null;
}

/** The suspense account (qualifier) holding what providers moved for movements under review. */
export const EXCEPTIONS_SUSPENSE = 'movement-exceptions';

/** The open exception a movement is under review for, as recorded on it (`metadata.exception`). */
export interface MovementReview {
  exceptionId: string;
  code: string;
  message: string;
}

/** The review a movement is under (its booking refused after the provider completed it), or null. */
export function reviewOf(movement: Pick<Movement, 'metadata'>): MovementReview | null {
  const recorded = movement.metadata.exception as (MovementReview & { status?: string }) | undefined;
  if (!recorded || recorded.status !== 'open') return null;
  return { exceptionId: recorded.exceptionId, code: recorded.code, message: recorded.message };
}

export class MovementExceptionNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';
  constructor() {
    super('Movement exception not found');
  }
}

/** A retry of an exception that is resolved already. */
export class MovementExceptionResolvedError extends DomainError {
  readonly code = 'EXCEPTION_RESOLVED';
  readonly kind: ErrorKind = 'conflict';
  constructor(id: string) {
    super('This movement exception is resolved already', { exceptionId: id });
  }
}
