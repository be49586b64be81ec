import { Query } from '@nestjs/cqrs';
import type { InquiryStatus } from '../../../domain/inquiry';

export interface InquiryListEntry {
  id: string;
  userId: string;
  targetTier: number;
  vendor: string;
  vendorInquiryId: string | null;
  status: InquiryStatus;
  reasons: string[];
  createdAt: string;
  updatedAt: string;
}

export interface InquiryPage {
  inquiries: InquiryListEntry[];
  nextCursor: string | null;
}

/** Inquiries for reviewers (admins), newest first, by status. */
export class ListInquiriesQuery extends Query<InquiryPage> {
  constructor(
    readonly status: InquiryStatus | undefined,
    readonly limit: number,
    readonly cursor: { createdAt: Date; id: string } | null,
  ) {
    super();
  }
}
