import { Command } from '@nestjs/cqrs';

export interface KycWebhookReceipt {
  received: true;
  duplicate?: true;
  ignored?: true;
  /** Our inquiry's status after the vendor was asked. */
  status?: string;
}

/** A signed vendor webhook, as received (the raw bytes are what the signature covers). */
export class HandleKycWebhookCommand extends Command<KycWebhookReceipt> {
  constructor(
    readonly vendor: string,
    readonly signature: string | undefined,
    readonly rawBody: Buffer | undefined,
    readonly body: unknown,
  ) {
    super();
  }
}
