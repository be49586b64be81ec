import { DomainError, ErrorCode, type ErrorKind } from '#monay/kernel';

export class RecurringTransferNotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;
  readonly kind = 'not_found';
  constructor() {
    super('Recurring transfer not found');
  }
}

/**
 * A schedule's terms do not hold together (a start in the past, an end before the start, an unknown time
 * zone). The same body as the ValidationPipe's, so a client sees one shape whoever refused the field.
 */
export class InvalidRecurringScheduleError extends DomainError {
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly kind: ErrorKind = 'invalid';

  constructor(field: string, reason: string) {
    const problem = `${field} ${reason}`;
    super(`${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
  }
}

/** A cancelled or completed schedule is history: it cannot be changed or resumed. */
export class RecurringTransferClosedError extends DomainError {
  readonly code = 'RECURRING_TRANSFER_CLOSED';
  readonly kind = 'conflict';
  constructor(status: string) {
    super(`This recurring transfer is ${status} and can no longer change`, { status });
  }
}
