import { Command } from '@nestjs/cqrs';
import type { InquiryProgress } from '../../kyc-progress';

/** A reviewer's decision (an admin) on an inquiry the vendor marked for review. */
export class ReviewInquiryCommand extends Command<InquiryProgress> {
  constructor(
    readonly inquiryId: string,
    readonly decision: 'approve' | 'decline',
    /** Shown to the user on a decline. */
    readonly reason: string | null,
    readonly reviewerId: string,
  ) {
    super();
  }
}
