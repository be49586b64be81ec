import type { CurrencyCode } from '#monay/kernel';
import type { MovementKind } from '../movement';
import type { ProviderName } from '../stablecoin-provider.port';

/**
 * Raised for operators (a system event: `userIds` is empty) when a completed movement is booked to suspense
 * instead of where it belongs. Amounts are decimal strings.
 */
export const MovementExceptionRaised = 'MovementExceptionRaised';

export interface MovementExceptionRaisedPayload extends Record<string, unknown> {
  exceptionId: string;
  movementId: string;
  kind: MovementKind;
  userId: string;
  provider: ProviderName;
  currency: CurrencyCode;
  amount: string;
  reason: { code: string; message: string };
  suspenseTransactionId: string;
}

/** An operator's retry booked the movement where it belongs, out of suspense. */
export const MovementExceptionResolved = 'MovementExceptionResolved';

export interface MovementExceptionResolvedPayload extends Record<string, unknown> {
  exceptionId: string;
  movementId: string;
  resolution: 'booked';
  ledgerTransactionId: string;
}
