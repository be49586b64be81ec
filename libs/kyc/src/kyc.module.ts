import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MulterModule } from '@nestjs/platform-express';
import { AppConfig } from '#monay/shared';
import { WalletModule } from '#monay/wallet';
import { HandleKycWebhookHandler } from './application/commands/handle-kyc-webhook/handle-kyc-webhook.handler';
import { ReviewInquiryHandler } from './application/commands/review-inquiry/review-inquiry.handler';
import { RevokeTierHandler } from './application/commands/revoke-tier/revoke-tier.handler';
import { StartVerificationHandler } from './application/commands/start-verification/start-verification.handler';
import { UploadDocumentHandler } from './application/commands/upload-document/upload-document.handler';
import { DOCUMENT_STORE } from './application/document-store.port';
import { InquirySync } from './application/inquiry-sync';
import { KycTiers } from './application/kyc-tiers';
import { KYC_VENDOR } from './application/kyc-vendor.port';
import { GetKycStatusHandler } from './application/queries/get-kyc-status/get-kyc-status.handler';
import { ListInquiriesHandler } from './application/queries/list-inquiries/list-inquiries.handler';
import { DocumentCipher, documentStoreFor } from './infrastructure/document-stores';
import { KycExpiryProcessor } from './infrastructure/kyc-expiry.processor';
import { KycRepository } from './infrastructure/kyc.repository';
import { PersonaSandbox } from './infrastructure/sandbox/persona-sandbox';
import { PersonaSandboxRepository } from './infrastructure/sandbox/persona-sandbox.repository';
import { PersonaSandboxWebhooks } from './infrastructure/sandbox/persona-sandbox-webhooks';
import { AdminKycController } from './interface/http/admin-kyc.controller';
import { KycController } from './interface/http/kyc.controller';
import { KycWebhooksController } from './interface/http/kyc-webhooks.controller';
import { IdentityModule } from '#monay/identity';

/**
 * Verification and tiers (DESIGN.md, kyc): the vendor port with its Persona-shaped sandbox, inquiries, documents
 * (encrypted in object storage), signed vendor webhooks, and tier changes — which set the wallet's level (its
 * limits and features) through `WalletAccess`, in the transaction that writes `KycTierChanged`.
 */
@Module({
  imports: [
    CqrsModule,
    WalletModule,
    IdentityModule,
    // Uploads are buffered only up to the configured cap (past it, 413 before the rest is read into memory).
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => ({
        limits: { fileSize: config.kyc.documentMaxBytes, files: 1, fields: 10 },
      }),
      inject: [AppConfig],
    }),
  ],
  controllers: [KycController, KycWebhooksController, AdminKycController],
  providers: [
    KycRepository,
    PersonaSandboxRepository,
    PersonaSandboxWebhooks,
    PersonaSandbox,
    { provide: KYC_VENDOR, useExisting: PersonaSandbox },
    { provide: DOCUMENT_STORE, useFactory: documentStoreFor, inject: [AppConfig] },
    DocumentCipher,
    KycTiers,
    InquirySync,
    KycExpiryProcessor,
    StartVerificationHandler,
    UploadDocumentHandler,
    HandleKycWebhookHandler,
    ReviewInquiryHandler,
    RevokeTierHandler,
    GetKycStatusHandler,
    ListInquiriesHandler,
  ],
  exports: [PersonaSandboxWebhooks],
})
export class KycModule {}
