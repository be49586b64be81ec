import { defineEvents } from '#monay/shared';
import type { InviteTransferPendingPayload, InviteTransferVoidedPayload } from './p2p-invite.events';
import type {
  PaymentRequestClosedPayload,
  PaymentRequestCreatedPayload,
  PaymentRequestPaidPayload,
  PaymentRequestRemindedPayload,
} from './payment-request.events';
import type {
  RecurringTransferExecutedPayload,
  RecurringTransferPausedPayload,
  RecurringTransferSkippedPayload,
  RecurringTransferUpcomingPayload,
} from './recurring-transfer.events';
import type {
  BatchTransferCompletedPayload,
  FundsTransferredPayload,
  TransferFailedPayload,
} from './transfer.events';

export * from './p2p-invite.events';
export * from './payment-request.events';
export * from './recurring-transfer.events';
export * from './transfer.events';

/** Money moving between Monay wallets: P2P transfers, batch items, a batch's fee, refusals. */
export interface TransferMovementEvents {
  FundsTransferred: FundsTransferredPayload;
  TransferFailed: TransferFailedPayload;
  BatchTransferCompleted: BatchTransferCompletedPayload;
  InviteTransferPending: InviteTransferPendingPayload;
  InviteTransferVoided: InviteTransferVoidedPayload;
}

/** Every event of the transfers context (docs/architecture.md, "Events and the outbox"). */
export interface TransferEvents extends TransferMovementEvents {
  RecurringTransferExecuted: RecurringTransferExecutedPayload;
  RecurringTransferSkipped: RecurringTransferSkippedPayload;
  RecurringTransferPaused: RecurringTransferPausedPayload;
  RecurringTransferUpcoming: RecurringTransferUpcomingPayload;
  PaymentRequestCreated: PaymentRequestCreatedPayload;
  PaymentRequestPaid: PaymentRequestPaidPayload;
  PaymentRequestClosed: PaymentRequestClosedPayload;
  PaymentRequestReminded: PaymentRequestRemindedPayload;
}

export const transferEvents = defineEvents<TransferEvents>('transfers', {
  FundsTransferred: { version: 1 },
  TransferFailed: { version: 1 },
  BatchTransferCompleted: { version: 1 },
  InviteTransferPending: { version: 1 },
  InviteTransferVoided: { version: 1 },
  RecurringTransferExecuted: { version: 1 },
  RecurringTransferSkipped: { version: 1 },
  RecurringTransferPaused: { version: 1 },
  RecurringTransferUpcoming: { version: 1 },
  PaymentRequestCreated: { version: 1 },
  PaymentRequestPaid: { version: 1 },
  PaymentRequestClosed: { version: 1 },
  PaymentRequestReminded: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends TransferEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface MoneyMovementEvents extends TransferMovementEvents {}
}
