export { KycModule } from './kyc.module';
export * from './domain/events';
export * from './domain/kyc.errors';
export type { InquiryStatus } from './domain/inquiry';
export { PersonaSandboxWebhooks } from './infrastructure/sandbox/persona-sandbox-webhooks';
export { signPersona, verifyPersona, PERSONA_SIGNATURE_HEADER } from './domain/persona-signature';
export { DOCUMENT_STORE, type DocumentStore } from './application/document-store.port';
