import { Command } from '@nestjs/cqrs';
import type { CardWebhookReceipt, SignedMessage } from '../../card-network-events';

/** An issuer webhook (signed), applied by what the issuer answers. */
export class HandleCardWebhookCommand extends Command<CardWebhookReceipt> {
  constructor(
    readonly issuer: string,
    readonly message: SignedMessage,
    readonly body: unknown,
  ) {
    super();
  }
}
