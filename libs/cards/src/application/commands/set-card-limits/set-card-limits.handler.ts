import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import { CardLifecycle } from '../../card-lifecycle';
import { SetCardLimitsCommand } from './set-card-limits.command';

@CommandHandler(SetCardLimitsCommand)
export class SetCardLimitsHandler implements ICommandHandler<SetCardLimitsCommand> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: SetCardLimitsCommand): Promise<CardView> {
    return this.cards.setLimits(c.userId, c.cardId, c.limits);
  }
}
