import { DomainError, type ErrorKind } from '#monay/kernel';

/** An admin named a provider that has no sandbox. */
export class SandboxProviderNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';

  constructor(name: string) {
    super(`No sandbox provider is called "${name.slice(0, 32)}"`, { provider: name.slice(0, 32) });
  }
}

/** `late` (and `lateByMs`) describe how a timeout's write lands: they mean nothing in another mode. */
export class SandboxLateNeedsTimeoutError extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  readonly kind: ErrorKind = 'invalid';

  constructor(mode: string) {
    super(`late: a late write only exists in timeout mode, not in ${mode.slice(0, 32)} mode`, {
      fields: [{ field: 'late', problems: [`late applies to timeout mode only, not ${mode.slice(0, 32)}`] }],
    });
  }
}
