import { DomainError, type ErrorKind } from '#monay/kernel';

/** An admin named a provider that has no sandbox. */
export class SandboxProviderNotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly kind: ErrorKind = 'not_found';

  constructor(name: string) {
    super(`No sandbox provider is called "${name.slice(0, 32)}"`, { provider: name.slice(0, 32) });
  }
}
