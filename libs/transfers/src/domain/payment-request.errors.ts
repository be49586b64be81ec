import { DomainError } from '#monay/kernel';

/** No payment request you made or were asked to pay has that id. */
export class PaymentRequestNotFoundError extends DomainError {
  readonly code = 'PAYMENT_REQUEST_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Payment request not found');
  }
}

/** The request is no longer payable or changeable (paid, declined, cancelled or expired): its status says which. */
export class PaymentRequestClosedError extends DomainError {
  readonly code = 'PAYMENT_REQUEST_CLOSED';
  readonly kind = 'conflict';
  constructor(status: string) {
    super(`This payment request is ${status}`, { status });
  }
}

/** You already paid this (open) request once. */
export class PaymentRequestAlreadyPaidError extends DomainError {
  readonly code = 'PAYMENT_REQUEST_ALREADY_PAID';
  readonly kind = 'conflict';
  constructor() {
    super('You already paid this payment request');
  }
}

/** Only the requester may do this (cancel, remind), or only the payer (decline). */
export class PaymentRequestActionNotAllowedError extends DomainError {
  readonly code = 'PAYMENT_REQUEST_ACTION_NOT_ALLOWED';
  readonly kind = 'forbidden';
  constructor(action: string) {
    super(`You cannot ${action} this payment request`, { action });
  }
}

/** An open request without an amount is paid with one the payer chooses; a request with one takes no other. */
export class PaymentAmountMismatchError extends DomainError {
  readonly code = 'PAYMENT_AMOUNT_MISMATCH';
  readonly kind = 'invalid';
  constructor(message: string) {
    super(message);
  }
}

/** A reminder was sent less than 24 hours ago. */
export class ReminderTooSoonError extends DomainError {
  readonly code = 'REMINDER_TOO_SOON';
  readonly kind = 'rate_limited';
  override readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('At most one reminder a day per payment request');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
