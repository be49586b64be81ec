import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import { CardLifecycle } from '../../card-lifecycle';
import { FreezeCardCommand } from './freeze-card.command';

@CommandHandler(FreezeCardCommand)
export class FreezeCardHandler implements ICommandHandler<FreezeCardCommand> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: FreezeCardCommand): Promise<CardView> {
    return this.cards.freeze(c.userId, c.cardId, c.frozen);
  }
}
