import { DomainError, ErrorCode, type ErrorKind } from '#monay/kernel';

/**
 * Something that looks like an on-chain address (it starts with `0x`) but is not one (`0x` and exactly 40 hex
 * digits). Answered 400 VALIDATION_FAILED in the shape a DTO field error has, naming the field.
 */
export class InvalidExternalAddressError extends DomainError {
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly kind: ErrorKind = 'invalid';

  constructor(field: string) {
    const problem = `${field} must be an address: 0x followed by 40 hex digits`;
    super(`${field}: ${problem}`, { fields: [{ field, problems: [problem] }] });
  }
}
