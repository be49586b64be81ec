import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import { CardLifecycle } from '../../card-lifecycle';
import { IssueCardCommand } from './issue-card.command';

@CommandHandler(IssueCardCommand)
export class IssueCardHandler implements ICommandHandler<IssueCardCommand> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: IssueCardCommand): Promise<CardView> {
    return this.cards.create(c.userId, {
      nickname: c.nickname,
      fundingCurrency: c.fundingCurrency,
      limits: c.limits,
    });
  }
}
