import { defineEvents } from '#monay/shared';
import type {
  BankAccountUpdatedPayload,
  BankRailsFrozenPayload,
  BankTransferFailedPayload,
  BankTransferRequestedPayload,
  BankTransferReturnedPayload,
  BankTransferSettledPayload,
} from './bank-transfer.events';
import type {
  BillPaymentFailedPayload,
  BillPaymentRequestedPayload,
  BillPaymentReversedPayload,
  BillPaymentSentPayload,
} from './bill-payment.events';

export * from './bank-transfer.events';
export * from './bill-payment.events';

/** The money movements over the bank rails and bill pay. */
export interface BankingMovementEvents {
  BankTransferRequested: BankTransferRequestedPayload;
  BankTransferSettled: BankTransferSettledPayload;
  BankTransferFailed: BankTransferFailedPayload;
  BankTransferReturned: BankTransferReturnedPayload;
  BillPaymentRequested: BillPaymentRequestedPayload;
  BillPaymentSent: BillPaymentSentPayload;
  BillPaymentFailed: BillPaymentFailedPayload;
  BillPaymentReversed: BillPaymentReversedPayload;
}

/** Every event of the banking context (docs/architecture.md, "Events and the outbox"). */
export interface BankingEvents extends BankingMovementEvents {
  BankRailsFrozen: BankRailsFrozenPayload;
  BankAccountUpdated: BankAccountUpdatedPayload;
}

export const bankingEvents = defineEvents<BankingEvents>('banking', {
  BankTransferRequested: { version: 1 },
  BankTransferSettled: { version: 1 },
  BankTransferFailed: { version: 1 },
  BankTransferReturned: { version: 1 },
  BillPaymentRequested: { version: 1 },
  BillPaymentSent: { version: 1 },
  BillPaymentFailed: { version: 1 },
  BillPaymentReversed: { version: 1 },
  BankRailsFrozen: { version: 1 },
  BankAccountUpdated: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends BankingEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface MoneyMovementEvents extends BankingMovementEvents {}
}
