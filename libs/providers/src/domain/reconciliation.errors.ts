import { DomainError, type ErrorKind } from '#monay/kernel';

/** No such reconciliation report (or a malformed id), or no run has finished yet. */
export class ReconciliationReportNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';

  constructor(what = 'Reconciliation report') {
    super(`${what} not found`);
  }
}
