import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#monay/shared';
import { BankWebhookPayloadInvalidError, BankWebhookSignatureInvalidError } from '../domain/banking.errors';
import { verifyDwolla } from '../domain/dwolla-signature';
import { BANK_RAIL_VENDOR, type BankRailVendor } from '../vendors/bank-rail.port';
import { BankTransferEngine } from './bank-transfer-engine';
import { BankTransferRepository } from './bank-transfer.repository';

const EVENT_ID = /^[0-9a-f-]{36}$/i;
const TOPIC = /^[a-z_]{1,64}$/;
const RESOURCE_ID = /^[0-9a-f-]{36}$/i;

export interface BankWebhookReceipt {
  received: true;
  duplicate?: true;
  ignored?: true;
  status?: string;
}

/**
 * The bank rail's signed events (Dwolla's envelope: `{id, resourceId, topic, timestamp, _links}`). Authenticity first
 * (`X-Request-Signature-SHA-256`, constant time: 401 before anything is read); then the event is a hint: deduplicated
 * by its id, and the transfer is brought to the status the vendor answers when asked now — never to the payload's
 * word, so duplicates, reordering and forged topics change nothing.
 */
@Injectable()
export class DwollaWebhookHandler {
  private readonly logger = new Logger('BankWebhooks');

  constructor(
    private readonly config: AppConfig,
    @Inject(BANK_RAIL_VENDOR) private readonly vendor: BankRailVendor,
    private readonly repository: BankTransferRepository,
    private readonly engine: BankTransferEngine,
  ) {}

  async handle(
    rawBody: Buffer | undefined,
    signature: string | undefined,
    body: unknown,
  ): Promise<BankWebhookReceipt> {
    if (!rawBody || !verifyDwolla(this.config.bank.webhookSecrets, rawBody, signature)) {
      throw new BankWebhookSignatureInvalidError();
    }
    const event = (body ?? {}) as { id?: unknown; topic?: unknown; resourceId?: unknown };
    if (typeof event.id !== 'string' || !EVENT_ID.test(event.id)) {
      throw new BankWebhookPayloadInvalidError('id must be an event id');
    }
    if (typeof event.topic !== 'string' || !TOPIC.test(event.topic)) {
      throw new BankWebhookPayloadInvalidError('topic is missing');
    }
    if (typeof event.resourceId !== 'string' || !RESOURCE_ID.test(event.resourceId)) {
      throw new BankWebhookPayloadInvalidError('resourceId is missing');
    }
    if (await this.repository.isWebhookRecorded(this.vendor.vendor, event.id)) {
      return { received: true, duplicate: true };
    }
    let outcome = 'ignored';
    let receipt: BankWebhookReceipt = { received: true, ignored: true };
    if (event.topic.includes('transfer')) {
      const transfer = await this.repository.findByVendorId(event.resourceId);
      if (transfer) {
        const after = await this.engine.refresh(transfer);
        outcome = after.status;
        receipt = { received: true, status: after.status };
      } else {
        this.logger.warn(
          { eventId: event.id, resourceId: event.resourceId },
          'Bank webhook about a transfer we do not know',
        );
      }
    }
    // Micro-deposit events need nothing: the account's state is read from the vendor when the user verifies.
    const recorded = await this.repository.recordWebhook(
      this.vendor.vendor,
      event.id,
      event.topic,
      event.resourceId,
      outcome,
    );
    return recorded ? receipt : { received: true, duplicate: true };
  }
}
