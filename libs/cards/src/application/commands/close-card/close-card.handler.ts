import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import { CardLifecycle } from '../../card-lifecycle';
import { CloseCardCommand } from './close-card.command';

@CommandHandler(CloseCardCommand)
export class CloseCardHandler implements ICommandHandler<CloseCardCommand> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: CloseCardCommand): Promise<CardView> {
    return this.cards.close(c.userId, c.cardId);
  }
}
