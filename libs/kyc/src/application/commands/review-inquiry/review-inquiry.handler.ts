import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError } from '#monay/kernel';
import {
  KycInquiryNotFoundError,
  KycInquiryNotInReviewError,
  KycVendorUnavailableError,
} from '../../../domain/kyc.errors';
import { KycRepository } from '../../../infrastructure/kyc.repository';
import { InquirySync } from '../../inquiry-sync';
import { progressOf } from '../../kyc-progress';
import { KYC_VENDOR, type KycVendor } from '../../kyc-vendor.port';
import { ReviewInquiryCommand } from './review-inquiry.command';

/**
 * The reviewer's approve / decline goes to the vendor (Persona's inquiry actions), and what the vendor then says
 * of the inquiry is applied at once (an approval raises the tier); its webhooks change nothing more.
 */
@CommandHandler(ReviewInquiryCommand)
export class ReviewInquiryHandler implements ICommandHandler<ReviewInquiryCommand> {
  private readonly logger = new Logger('KycReview');

  constructor(
    @Inject(KYC_VENDOR) private readonly vendor: KycVendor,
    private readonly repository: KycRepository,
    private readonly sync: InquirySync,
  ) {}

  async execute({ inquiryId, decision, reason, reviewerId }: ReviewInquiryCommand) {
    const inquiry = await this.repository.findById(inquiryId);
    if (!inquiry?.vendorInquiryId) throw new KycInquiryNotFoundError();
    if (inquiry.status !== 'needs_review') throw new KycInquiryNotInReviewError(inquiry.status);
    let state;
    try {
      state = await this.vendor.review(inquiry.vendorInquiryId, decision, reason);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.warn({ err: error, inquiryId }, 'The KYC vendor did not take the review');
      throw new KycVendorUnavailableError();
    }
    this.logger.log({ inquiryId, decision, reviewerId }, 'KYC inquiry reviewed');
    const { inquiry: updated } = await this.sync.apply(inquiry.id, state);
    return progressOf(updated, await this.repository.documents(inquiry.id));
  }
}
