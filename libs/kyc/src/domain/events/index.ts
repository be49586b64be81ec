import { defineEvents } from '#monay/shared';
import type { KycInquiryUpdatedPayload, KycTierChangedPayload } from './kyc.events';

export * from './kyc.events';

/**
 * Every event of the KYC context (docs/architecture.md, "Events and the outbox"). None is a money movement: they
 * are written in the transaction of the change they describe.
 */
export interface KycEvents {
  KycTierChanged: KycTierChangedPayload;
  KycInquiryUpdated: KycInquiryUpdatedPayload;
}

export const kycEvents = defineEvents<KycEvents>('kyc', {
  KycTierChanged: { version: 1 },
  KycInquiryUpdated: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends KycEvents {}
}
