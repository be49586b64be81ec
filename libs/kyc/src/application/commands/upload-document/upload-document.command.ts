import { Command } from '@nestjs/cqrs';
import type { DocumentFormat } from '../../../domain/document-file';
import type { DocumentSide, DocumentType } from '../../../domain/kyc-requirements';
import type { DocumentView, InquiryProgress } from '../../kyc-progress';

/** A document file for the user's open verification (its format already known from its bytes). */
export class UploadDocumentCommand extends Command<{ document: DocumentView; inquiry: InquiryProgress }> {
  constructor(
    readonly userId: string,
    readonly type: DocumentType,
    readonly side: DocumentSide | null,
    readonly file: { bytes: Buffer; name: string; format: DocumentFormat },
  ) {
    super();
  }
}
