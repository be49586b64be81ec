import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { RevealedCard } from '../../card-lifecycle';
import { CardLifecycle } from '../../card-lifecycle';
import { RevealCardCommand } from './reveal-card.command';

@CommandHandler(RevealCardCommand)
export class RevealCardHandler implements ICommandHandler<RevealCardCommand> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: RevealCardCommand): Promise<RevealedCard> {
    return this.cards.reveal(c.userId, c.cardId, c.context);
  }
}
