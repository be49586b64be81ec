import { DomainError } from '#monay/kernel';

/** The routing number is not a valid ABA routing number (nine digits, checksum, Federal Reserve prefix). */
export class InvalidRoutingNumberError extends DomainError {
  readonly code = 'INVALID_ROUTING_NUMBER';
  readonly kind = 'invalid';
  constructor() {
    super('routingNumber is not a valid ABA routing number');
  }
}

/** The bank account (or the one named) is not the caller's, or was removed. */
export class BankAccountNotFoundError extends DomainError {
  readonly code = 'BANK_ACCOUNT_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Bank account not found');
  }
}

/** The same account is already linked to this user. */
export class BankAccountAlreadyLinkedError extends DomainError {
  readonly code = 'BANK_ACCOUNT_ALREADY_LINKED';
  readonly kind = 'conflict';
  constructor(bankAccountId: string) {
    super('This bank account is already linked', { bankAccountId });
  }
}

/** Money can move only through a verified bank account (`status` says where it stands). */
export class BankAccountNotVerifiedError extends DomainError {
  readonly code = 'BANK_ACCOUNT_NOT_VERIFIED';
  readonly kind = 'unprocessable';
  constructor(status: string) {
    super('The bank account is not verified', { status });
  }
}

/** The sandbox bank refused the credentials (test users: `user_good`, `user_partial`, `user_mismatch`). */
export class BankLinkCredentialsInvalidError extends DomainError {
  readonly code = 'BANK_LINK_CREDENTIALS_INVALID';
  readonly kind = 'unprocessable';
  constructor() {
    super('The bank did not accept these credentials');
  }
}

/** Unknown institution id (see the sandbox's institutions: `ins_1`…). */
export class InstitutionNotFoundError extends DomainError {
  readonly code = 'INSTITUTION_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Institution not found');
  }
}

/** The account holder at the bank is not the user (identity match below the threshold on every field). */
export class BankAccountOwnershipMismatchError extends DomainError {
  readonly code = 'BANK_ACCOUNT_OWNERSHIP_MISMATCH';
  readonly kind = 'unprocessable';
  constructor(reason: string, scores: Record<string, number | null>) {
    super(`The bank account could not be linked: ${reason}`, { scores });
  }
}

/** The micro-deposits have not arrived yet: try again once they show on the bank statement. */
export class MicroDepositsNotArrivedError extends DomainError {
  readonly code = 'MICRO_DEPOSITS_NOT_ARRIVED';
  readonly kind = 'conflict';
  constructor(availableAt: string | null) {
    super('The micro-deposits have not arrived yet', { availableAt });
  }
}

/** The account is not waiting for micro-deposit verification (verified, failed or linked instantly). */
export class BankAccountNotAwaitingVerificationError extends DomainError {
  readonly code = 'BANK_ACCOUNT_NOT_AWAITING_VERIFICATION';
  readonly kind = 'conflict';
  constructor(status: string) {
    super('This bank account is not waiting for micro-deposit verification', { status });
  }
}

/** The amounts do not match the micro-deposits; `attemptsLeft` more tries before the account fails verification. */
export class MicroDepositAmountsWrongError extends DomainError {
  readonly code = 'MICRO_DEPOSIT_AMOUNTS_WRONG';
  readonly kind = 'unprocessable';
  constructor(attemptsLeft: number) {
    super('The amounts do not match the micro-deposits', { attemptsLeft });
  }
}

/** A bank account with a transfer still pending cannot be removed. */
export class BankAccountHasPendingTransfersError extends DomainError {
  readonly code = 'BANK_ACCOUNT_HAS_PENDING_TRANSFERS';
  readonly kind = 'conflict';
  constructor() {
    super('This bank account has a transfer still pending');
  }
}

/** The user's bank rails are frozen for review after an unauthorised-debit return (R05, R07, R10). */
export class BankRailsFrozenError extends DomainError {
  readonly code = 'BANK_RAILS_FROZEN';
  readonly kind = 'forbidden';
  constructor(reason: string) {
    super('Bank transfers are frozen on this account pending review', { reason });
  }
}

/** The bank transfer is not the caller's (or does not exist). */
export class BankTransferNotFoundError extends DomainError {
  readonly code = 'BANK_TRANSFER_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Bank transfer not found');
  }
}

/** Only a pending ACH may be cancelled, and only before its submission cut-off. */
export class BankTransferNotCancellableError extends DomainError {
  readonly code = 'BANK_TRANSFER_NOT_CANCELLABLE';
  readonly kind = 'conflict';
  constructor(status: string, cancelBefore: string | null) {
    super('This transfer can no longer be cancelled', { status, cancelBefore });
  }
}

/** The amount does not cover the rail's fee. */
export class BankAmountBelowFeeError extends DomainError {
  readonly code = 'BANK_AMOUNT_BELOW_FEE';
  readonly kind = 'invalid';
  constructor(fee: string) {
    super(`The amount must be more than the fee of ${fee}`, { fee });
  }
}

/** The bank webhook's `X-Request-Signature-SHA-256` is missing or wrong. */
export class BankWebhookSignatureInvalidError extends DomainError {
  readonly code = 'BANK_WEBHOOK_SIGNATURE_INVALID';
  readonly kind = 'unauthenticated';
  constructor() {
    super('The webhook signature is missing or invalid');
  }
}

/** An authentic bank webhook whose body is not a Dwolla event. */
export class BankWebhookPayloadInvalidError extends DomainError {
  readonly code = 'BANK_WEBHOOK_PAYLOAD_INVALID';
  readonly kind = 'invalid';
  constructor(reason: string) {
    super(`The webhook is not a bank event: ${reason}`);
  }
}

/** Unknown biller id (GET /api/bill-pay/billers lists them). */
export class BillerNotFoundError extends DomainError {
  readonly code = 'BILLER_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Biller not found');
  }
}

/** The account number does not have the biller's format. */
export class BillerAccountNumberInvalidError extends DomainError {
  readonly code = 'BILLER_ACCOUNT_NUMBER_INVALID';
  readonly kind = 'invalid';
  constructor(format: string) {
    super(`accountNumber does not match this biller's format (${format})`, { format });
  }
}

/** The payee is not the caller's (or was never added). */
export class PayeeNotFoundError extends DomainError {
  readonly code = 'PAYEE_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Payee not found');
  }
}

/** The payee with this biller and account number is already in the list. */
export class PayeeAlreadyAddedError extends DomainError {
  readonly code = 'PAYEE_ALREADY_ADDED';
  readonly kind = 'conflict';
  constructor(payeeId: string) {
    super('This biller and account are already in your list', { payeeId });
  }
}

/** `deliverBy` is earlier than the biller can receive a payment made now. */
export class DeliverByTooEarlyError extends DomainError {
  readonly code = 'DELIVER_BY_TOO_EARLY';
  readonly kind = 'unprocessable';
  constructor(earliest: string) {
    super(`The earliest this payment can be delivered is ${earliest}`, { earliestDelivery: earliest });
  }
}

/** The bill payment is not the caller's (or does not exist). */
export class BillPaymentNotFoundError extends DomainError {
  readonly code = 'BILL_PAYMENT_NOT_FOUND';
  readonly kind = 'not_found';
  constructor() {
    super('Bill payment not found');
  }
}

/** Only a payment not yet sent to the biller may be cancelled. */
export class BillPaymentNotCancellableError extends DomainError {
  readonly code = 'BILL_PAYMENT_NOT_CANCELLABLE';
  readonly kind = 'conflict';
  constructor(status: string) {
    super('This payment was sent to the biller and can no longer be cancelled', { status });
  }
}
