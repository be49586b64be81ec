import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, OutboxWriter, UnitOfWork } from '#monay/shared';
import { movesOn, type InquiryStatus } from '../domain/inquiry';
import { KycInquiryUpdated, type KycInquiryUpdatedPayload } from '../domain/events/kyc.events';
import { KycVendorUnavailableError } from '../domain/kyc.errors';
import { KycRepository, type KycInquiry } from '../infrastructure/kyc.repository';
import { KYC_VENDOR, type KycVendor, type VendorInquiry } from './kyc-vendor.port';
import { KycTiers } from './kyc-tiers';

/** A vendor webhook being applied: recorded with the change, so a redelivery finds it and does nothing. */
export interface WebhookRecord {
  eventId: string;
  name: string;
  payload: unknown;
}

export interface SyncResult {
  inquiry: KycInquiry;
  changed: boolean;
  duplicate: boolean;
}

/**
 * Brings our inquiry to the vendor's word (asked now, never a webhook's payload): in one transaction, with the
 * inquiry locked, its status moves on only forward (an answer older than what we hold changes nothing, so events
 * may come in any order), `KycInquiryUpdated` is written, and an approval raises the tier.
 */
@Injectable()
export class InquirySync {
  private readonly logger = new Logger('KycInquirySync');

  constructor(
    @Inject(KYC_VENDOR) private readonly vendor: KycVendor,
    private readonly repository: KycRepository,
    private readonly tiers: KycTiers,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** The vendor's inquiry now; 503 KYC_VENDOR_UNAVAILABLE (nothing changed) when it cannot say. */
  async ask(vendorInquiryId: string): Promise<VendorInquiry | null> {
    try {
      return await this.vendor.getInquiry(vendorInquiryId);
    } catch (error) {
      this.logger.warn({ err: error, vendorInquiryId }, 'The KYC vendor did not answer');
      throw new KycVendorUnavailableError();
    }
  }

  /** Asks the vendor about `inquiry`, then applies the answer. */
  async refresh(inquiry: KycInquiry): Promise<SyncResult> {
    if (!inquiry.vendorInquiryId) return { inquiry, changed: false, duplicate: false };
    const state = await this.ask(inquiry.vendorInquiryId);
    return state ? this.apply(inquiry.id, state) : { inquiry, changed: false, duplicate: false };
  }

  async apply(inquiryId: string, state: VendorInquiry, webhook?: WebhookRecord): Promise<SyncResult> {
    return this.uow.run(async (tx) => {
      const inquiry = await this.repository.lock(tx, inquiryId);
      if (!inquiry) throw new Error(`Inquiry ${inquiryId} vanished`);
      if (webhook) {
        const fresh = await this.repository.recordWebhook(tx, {
          vendor: inquiry.vendor,
          eventId: webhook.eventId,
          name: webhook.name,
          vendorInquiryId: state.id,
          outcome: movesOn(inquiry.status, state.status) ? 'applied' : 'no_change',
          payload: webhook.payload,
        });
        if (!fresh) return { inquiry, changed: false, duplicate: true };
      }
      for (const document of await this.repository.documents(inquiry.id, tx)) {
        const known = state.documents.find((d) => d.id === document.vendorDocumentId);
        if (known && known.status !== document.status) {
          await this.repository.setDocumentStatus(tx, document.id, known.status, null);
        }
      }
      if (!movesOn(inquiry.status, state.status)) return { inquiry, changed: false, duplicate: false };
      const now = this.clock.now();
      const previous: InquiryStatus = inquiry.status;
      await this.repository.setStatus(tx, inquiry.id, state.status, state.reasons, state.expiresAt, now);
      const payload: KycInquiryUpdatedPayload = {
        userId: inquiry.userId,
        inquiryId: inquiry.id,
        targetTier: inquiry.targetTier,
        status: state.status,
        previousStatus: previous,
        reasons: state.reasons,
        at: now.toISOString(),
      };
      await this.outbox.append(tx, [
        { type: KycInquiryUpdated, aggregateId: inquiry.userId, userIds: [inquiry.userId], payload },
      ]);
      if (state.status === 'approved')
        await this.tiers.raise(tx, inquiry.userId, inquiry.targetTier, inquiry.id);
      return {
        inquiry: {
          ...inquiry,
          status: state.status,
          reasons: state.reasons,
          expiresAt: state.expiresAt,
          updatedAt: now,
        },
        changed: true,
        duplicate: false,
      };
    });
  }
}
