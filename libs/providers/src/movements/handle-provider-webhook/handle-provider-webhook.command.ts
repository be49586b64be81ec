import { Command } from '@nestjs/cqrs';

/** What a webhook was answered: 200 whenever it was authentic (even if it changed nothing). */
export interface WebhookReceipt {
  received: true;
  /** The same Webhook-Id was handled before: nothing was done again. */
  duplicate?: true;
  /** About nothing we know (an idempotency key that is not one of our movements): logged, nothing done. */
  ignored?: true;
  /** The movement's status after the webhook. */
  status?: string;
}

export class HandleProviderWebhookCommand extends Command<WebhookReceipt> {
  constructor(
    /** The provider named in the URL. */
    readonly provider: string,
    readonly webhookId: string | undefined,
    readonly signature: string | undefined,
    /** The bytes received, before JSON parsing: what the signature covers. */
    readonly rawBody: Buffer | undefined,
    /** The parsed JSON body. */
    readonly body: unknown,
  ) {
    super();
  }
}
