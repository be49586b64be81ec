import { defineEvents } from '#monay/shared';
import type { SecurityEventRecordedPayload, SessionRevokedPayload } from './security.events';

export * from './security.events';

/**
 * Every event of the identity context (docs/architecture.md, "Events and the outbox"). None is a money movement:
 * they are written in the transaction of the security change they describe.
 */
export interface IdentityEvents {
  SecurityEventRecorded: SecurityEventRecordedPayload;
  SessionRevoked: SessionRevokedPayload;
}

export const identityEvents = defineEvents<IdentityEvents>('identity', {
  SecurityEventRecorded: { version: 1 },
  SessionRevoked: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends IdentityEvents {}
}
