import { Command } from '@nestjs/cqrs';
import type { TargetTier } from '../../../domain/kyc-requirements';
import type { InquiryProgress } from '../../kyc-progress';
import type { IdentityFields } from '../../kyc-vendor.port';

/** Starts (or resumes) the user's verification for a tier; idempotent per user and target tier. */
export class StartVerificationCommand extends Command<InquiryProgress> {
  constructor(
    readonly userId: string,
    readonly targetTier: TargetTier,
    readonly fields: IdentityFields,
  ) {
    super();
  }
}
