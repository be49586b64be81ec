import { defineEvents } from '#monay/shared';
import type {
  ExternalTransferCompletedPayload,
  ExternalTransferFailedPayload,
  ExternalTransferRequestedPayload,
} from './external-transfer.events';
import type {
  DepositCompletedPayload,
  DepositFailedPayload,
  DepositInitiatedPayload,
  WithdrawalCompletedPayload,
  WithdrawalFailedPayload,
  WithdrawalRequestedPayload,
} from './movement.events';
import type {
  MovementExceptionRaisedPayload,
  MovementExceptionResolvedPayload,
} from './movement-exception.events';
import type { ReconciliationDiscrepancyFoundPayload } from './reconciliation.events';
import type { SwapCompletedPayload, SwapFailedPayload, SwapRequestedPayload } from './swap.events';

export * from './external-transfer.events';
export * from './movement.events';
export * from './movement-exception.events';
export * from './reconciliation.events';
export * from './swap.events';

/** The money movements through providers: deposits, withdrawals, external transfers and swaps. */
export interface ProviderMovementEvents {
  DepositInitiated: DepositInitiatedPayload;
  DepositCompleted: DepositCompletedPayload;
  DepositFailed: DepositFailedPayload;
  WithdrawalRequested: WithdrawalRequestedPayload;
  WithdrawalCompleted: WithdrawalCompletedPayload;
  WithdrawalFailed: WithdrawalFailedPayload;
  ExternalTransferRequested: ExternalTransferRequestedPayload;
  ExternalTransferCompleted: ExternalTransferCompletedPayload;
  ExternalTransferFailed: ExternalTransferFailedPayload;
  SwapRequested: SwapRequestedPayload;
  SwapCompleted: SwapCompletedPayload;
  SwapFailed: SwapFailedPayload;
}

/** Every event of the providers context (docs/architecture.md, "Events and the outbox"). */
export interface ProviderEvents extends ProviderMovementEvents {
  ReconciliationDiscrepancyFound: ReconciliationDiscrepancyFoundPayload;
  MovementExceptionRaised: MovementExceptionRaisedPayload;
  MovementExceptionResolved: MovementExceptionResolvedPayload;
}

export const providerEvents = defineEvents<ProviderEvents>('providers', {
  DepositInitiated: { version: 1 },
  DepositCompleted: { version: 1 },
  DepositFailed: { version: 1 },
  WithdrawalRequested: { version: 1 },
  WithdrawalCompleted: { version: 1 },
  WithdrawalFailed: { version: 1 },
  ExternalTransferRequested: { version: 1 },
  ExternalTransferCompleted: { version: 1 },
  ExternalTransferFailed: { version: 1 },
  SwapRequested: { version: 1 },
  SwapCompleted: { version: 1 },
  SwapFailed: { version: 1 },
  ReconciliationDiscrepancyFound: { version: 1 },
  MovementExceptionRaised: { version: 1 },
  MovementExceptionResolved: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends ProviderEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface MoneyMovementEvents extends ProviderMovementEvents {}
}
