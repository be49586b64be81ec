import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Users } from '#monay/identity';
import { randomUUID } from 'node:crypto';
import { Clock } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { isFinal } from '../../../domain/inquiry';
import {
  KycContactNotVerifiedError,
  KycTierAlreadyHeldError,
  KycVendorUnavailableError,
} from '../../../domain/kyc.errors';
import { KycRepository, type KycInquiry } from '../../../infrastructure/kyc.repository';
import { InquirySync } from '../../inquiry-sync';
import { progressOf, type InquiryProgress } from '../../kyc-progress';
import { KYC_VENDOR, type KycVendor } from '../../kyc-vendor.port';
import { StartVerificationCommand } from './start-verification.command';

/**
 * With the user's email and phone verified (409 KYC_CONTACT_NOT_VERIFIED otherwise), opens the user's inquiry for the tier (one open per user and tier: a second start resumes it), then creates it
 * at the vendor with our inquiry id as the idempotency key and the user id as the reference id — so a retry after
 * a vendor timeout finds the same vendor inquiry. An open inquiry the vendor has meanwhile closed (expired,
 * failed, declined) is brought up to date, and a new one started in its place.
 */
@CommandHandler(StartVerificationCommand)
export class StartVerificationHandler implements ICommandHandler<StartVerificationCommand> {
  private readonly logger = new Logger('KycStart');

  constructor(
    @Inject(KYC_VENDOR) private readonly vendor: KycVendor,
    private readonly repository: KycRepository,
    private readonly sync: InquirySync,
    private readonly wallets: WalletAccess,
    private readonly clock: Clock,
    private readonly users: Users,
  ) {}

  async execute({ userId, targetTier, fields }: StartVerificationCommand): Promise<InquiryProgress> {
    const wallet = await this.wallets.ensureWallet(userId);
    if (wallet.kycLevel >= targetTier) {
      throw new KycTierAlreadyHeldError(
        { level: wallet.kycLevel, name: this.wallets.tiers.of(wallet.kycLevel).name },
        targetTier,
      );
    }
    // Verified (and so Premium) is "email and phone verified and identity approved": the contact comes first.
    const { security } = await this.users.profile(userId);
    if (!security.emailVerified || !security.phoneVerified) {
      throw new KycContactNotVerifiedError({ email: security.emailVerified, phone: security.phoneVerified });
    }
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const open = await this.repository.openInquiry({
        id: randomUUID(),
        userId,
        targetTier,
        vendor: this.vendor.vendor,
        now: this.clock.now(),
      });
      const current = await this.atVendor(open, fields);
      if (!isFinal(current.status)) return progressOf(current, await this.repository.documents(current.id));
    }
    throw new KycVendorUnavailableError();
  }

  /** Creates the inquiry at the vendor (same key on every retry), then applies what the vendor says of it. */
  private async atVendor(open: KycInquiry, fields: StartVerificationCommand['fields']): Promise<KycInquiry> {
    let vendorState;
    try {
      vendorState = await this.vendor.createInquiry({
        referenceId: open.userId,
        idempotencyKey: open.id,
        targetTier: open.targetTier,
        fields,
      });
    } catch (error) {
      this.logger.warn({ err: error, inquiryId: open.id }, 'The KYC vendor did not create the inquiry');
      throw new KycVendorUnavailableError();
    }
    if (open.vendorInquiryId === null) {
      await this.repository.setVendorInquiry(open.id, vendorState.id, vendorState.expiresAt);
    }
    const { inquiry } = await this.sync.apply(open.id, vendorState);
    return { ...inquiry, vendorInquiryId: vendorState.id, expiresAt: vendorState.expiresAt };
  }
}
