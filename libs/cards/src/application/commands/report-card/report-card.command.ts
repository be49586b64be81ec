import { Command } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';

/** Lost or stolen: close the card and issue its replacement in one step. */
export class ReportCardCommand extends Command<{ card: CardView; replaced: CardView }> {
  constructor(
    readonly userId: string,
    readonly cardId: string,
    readonly reason: 'lost' | 'stolen',
  ) {
    super();
  }
}
