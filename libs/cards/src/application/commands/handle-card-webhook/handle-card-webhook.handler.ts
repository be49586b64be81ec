import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CardWebhookReceipt } from '../../card-network-events';
import { CardNetworkEvents } from '../../card-network-events';
import { HandleCardWebhookCommand } from './handle-card-webhook.command';

@CommandHandler(HandleCardWebhookCommand)
export class HandleCardWebhookHandler implements ICommandHandler<HandleCardWebhookCommand> {
  constructor(private readonly events: CardNetworkEvents) {}

  execute(c: HandleCardWebhookCommand): Promise<CardWebhookReceipt> {
    return this.events.receive(c.issuer, c.message, c.body);
  }
}
