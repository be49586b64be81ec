import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock } from '#monay/shared';
import {
  KycDocumentNotRequestedError,
  KycInquiryNotStartedError,
  KycVendorUnavailableError,
} from '../../../domain/kyc.errors';
import { requiredDocuments } from '../../../domain/kyc-requirements';
import { DocumentCipher } from '../../../infrastructure/document-stores';
import { KycRepository } from '../../../infrastructure/kyc.repository';
import { DOCUMENT_STORE, type DocumentStore } from '../../document-store.port';
import { InquirySync } from '../../inquiry-sync';
import { documentView, progressOf } from '../../kyc-progress';
import { KYC_VENDOR, type KycVendor } from '../../kyc-vendor.port';
import { UploadDocumentCommand } from './upload-document.command';

/**
 * A document for the user's open verification: checked against what the tier asks for, stored encrypted, then
 * attached at the vendor; what the vendor then says of the inquiry (completed once everything is in) is applied.
 */
@CommandHandler(UploadDocumentCommand)
export class UploadDocumentHandler implements ICommandHandler<UploadDocumentCommand> {
  private readonly logger = new Logger('KycDocuments');

  constructor(
    @Inject(KYC_VENDOR) private readonly vendor: KycVendor,
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    private readonly cipher: DocumentCipher,
    private readonly repository: KycRepository,
    private readonly sync: InquirySync,
    private readonly clock: Clock,
  ) {}

  async execute({ userId, type, side, file }: UploadDocumentCommand) {
    const open = await this.repository.findOpen(userId);
    if (!open?.vendorInquiryId || (open.status !== 'created' && open.status !== 'pending')) {
      throw new KycInquiryNotStartedError();
    }
    if (!requiredDocuments(open.targetTier).some((d) => d.type === type && (d.side ?? null) === side)) {
      throw new KycDocumentNotRequestedError(type, side);
    }
    const id = randomUUID();
    const storageKey = `kyc-${id}`;
    await this.store.put(storageKey, this.cipher.seal(file.bytes, storageKey));
    const document = {
      id,
      userId,
      inquiryId: open.id,
      type,
      side,
      contentType: file.format,
      sizeBytes: file.bytes.length,
      storageKey,
      status: 'uploaded',
      vendorDocumentId: null,
      uploadedAt: this.clock.now(),
    };
    await this.repository.addDocument(document);

    let state;
    try {
      state = await this.vendor.attachDocument(open.vendorInquiryId, {
        type,
        side,
        fileName: file.name,
        contentType: file.format,
        file: file.bytes,
      });
    } catch (error) {
      this.logger.warn({ err: error, inquiryId: open.id }, 'The KYC vendor did not take the document');
      throw new KycVendorUnavailableError();
    }
    const atVendor = [...state.documents].reverse().find((d) => d.type === type && d.side === side);
    if (atVendor) await this.repository.setDocumentStatus(undefined, id, atVendor.status, atVendor.id);
    const { inquiry } = await this.sync.apply(open.id, state);
    const documents = await this.repository.documents(open.id);
    const stored = documents.find((d) => d.id === id);
    return {
      document: documentView(stored ?? { ...document, status: atVendor?.status ?? 'uploaded' }),
      inquiry: progressOf(inquiry, documents),
    };
  }
}
