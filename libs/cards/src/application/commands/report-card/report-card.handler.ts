import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import { CardLifecycle } from '../../card-lifecycle';
import { ReportCardCommand } from './report-card.command';

@CommandHandler(ReportCardCommand)
export class ReportCardHandler implements ICommandHandler<ReportCardCommand> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: ReportCardCommand): Promise<{ card: CardView; replaced: CardView }> {
    return this.cards.report(c.userId, c.cardId, c.reason);
  }
}
