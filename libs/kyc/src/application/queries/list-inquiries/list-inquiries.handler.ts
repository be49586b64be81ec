import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KycRepository } from '../../../infrastructure/kyc.repository';
import { ListInquiriesQuery, type InquiryPage } from './list-inquiries.query';

@QueryHandler(ListInquiriesQuery)
export class ListInquiriesHandler implements IQueryHandler<ListInquiriesQuery> {
  constructor(private readonly repository: KycRepository) {}

  async execute({ status, limit, cursor }: ListInquiriesQuery): Promise<InquiryPage> {
    const rows = await this.repository.list(status, limit + 1, cursor);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      inquiries: page.map((inquiry) => ({
        id: inquiry.id,
        userId: inquiry.userId,
        targetTier: inquiry.targetTier,
        vendor: inquiry.vendor,
        vendorInquiryId: inquiry.vendorInquiryId,
        status: inquiry.status,
        reasons: inquiry.reasons,
        createdAt: inquiry.createdAt.toISOString(),
        updatedAt: inquiry.updatedAt.toISOString(),
      })),
      nextCursor:
        rows.length > limit && last
          ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url')
          : null,
    };
  }
}
