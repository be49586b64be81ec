import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { AppConfig } from '#monay/shared';
import {
  KycInquiryNotLinkedYetError,
  KycUnknownVendorError,
  KycWebhookPayloadInvalidError,
  KycWebhookSignatureInvalidError,
} from '../../../domain/kyc.errors';
import { verifyPersona } from '../../../domain/persona-signature';
import { KycRepository } from '../../../infrastructure/kyc.repository';
import { InquirySync } from '../../inquiry-sync';
import { KYC_VENDOR, type KycVendor } from '../../kyc-vendor.port';
import { HandleKycWebhookCommand, type KycWebhookReceipt } from './handle-kyc-webhook.command';

const EVENT_ID = /^evt_[A-Za-z0-9]{1,64}$/;
const INQUIRY_ID = /^inq_[A-Za-z0-9]{1,64}$/;
const EVENT_NAME = /^[a-z][a-z.-]{0,63}$/;

interface PersonaEvent {
  data?: {
    type?: unknown;
    id?: unknown;
    attributes?: { name?: unknown; payload?: { data?: { type?: unknown; id?: unknown } } };
  };
}

/**
 * A vendor's signed event (Persona's envelope). Authenticity first: a missing, wrong or stale `Persona-Signature`
 * is 401 before anything is read. Then the event is a hint, never the truth: it is deduplicated by its id, and the
 * inquiry is brought to what the vendor answers when asked for it now — so duplicates, reordering and a forged
 * status in a payload change nothing.
 */
@CommandHandler(HandleKycWebhookCommand)
export class HandleKycWebhookHandler implements ICommandHandler<HandleKycWebhookCommand> {
  private readonly logger = new Logger('KycWebhooks');

  constructor(
    @Inject(KYC_VENDOR) private readonly vendor: KycVendor,
    private readonly repository: KycRepository,
    private readonly sync: InquirySync,
    private readonly config: AppConfig,
  ) {}

  async execute(command: HandleKycWebhookCommand): Promise<KycWebhookReceipt> {
    const now = Math.floor(Date.now() / 1000);
    if (command.vendor !== this.vendor.vendor) throw new KycUnknownVendorError();
    if (
      !command.rawBody ||
      !verifyPersona(this.config.kyc.webhookSecrets, command.rawBody, command.signature, now)
    ) {
      throw new KycWebhookSignatureInvalidError();
    }
    const event = (command.body ?? {}) as PersonaEvent;
    const data = event.data;
    const eventId = data?.id;
    const name = data?.attributes?.name;
    const subject = data?.attributes?.payload?.data;
    if (data?.type !== 'event' || typeof eventId !== 'string' || !EVENT_ID.test(eventId)) {
      throw new KycWebhookPayloadInvalidError('data.id must be an event id');
    }
    if (typeof name !== 'string' || !EVENT_NAME.test(name)) {
      throw new KycWebhookPayloadInvalidError('data.attributes.name is missing');
    }
    if (subject?.type !== 'inquiry' || typeof subject.id !== 'string' || !INQUIRY_ID.test(subject.id)) {
      throw new KycWebhookPayloadInvalidError('data.attributes.payload.data must be an inquiry');
    }
    const vendorInquiryId = subject.id;
    if (await this.repository.isWebhookRecorded(this.vendor.vendor, eventId)) {
      return { received: true, duplicate: true };
    }
    const webhook = { eventId, name, payload: command.body };
    const inquiry = await this.repository.findByVendorId(this.vendor.vendor, vendorInquiryId);
    if (!inquiry) {
      // The vendor's event can outrun our answer to the create call, before the start has linked the inquiry: if
      // the vendor knows the inquiry, 409, and the vendor delivers the event again. An inquiry the vendor does not
      // know is ignored (200: a redelivery would change nothing).
      if (await this.sync.ask(vendorInquiryId)) throw new KycInquiryNotLinkedYetError();
      this.logger.warn(
        { eventId, vendorInquiryId },
        'KYC webhook about an inquiry the vendor does not know; ignored',
      );
      return { received: true, ignored: true };
    }
    // The vendor's own word, now (503 if it cannot say: the vendor delivers the event again later).
    const state = await this.sync.ask(vendorInquiryId);
    if (!state || state.referenceId !== inquiry.userId) {
      this.logger.error(
        { eventId, vendorInquiryId },
        'The vendor does not know this inquiry as ours; ignored',
      );
      return { received: true, ignored: true };
    }
    const result = await this.sync.apply(inquiry.id, state, webhook);
    if (result.duplicate) return { received: true, duplicate: true };
    return { received: true, status: result.inquiry.status };
  }
}
