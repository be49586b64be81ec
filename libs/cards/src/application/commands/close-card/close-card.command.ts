import { Command } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';

/** Close a card for good (its pending authorizations still clear). */
export class CloseCardCommand extends Command<CardView> {
  constructor(
    readonly userId: string,
    readonly cardId: string,
  ) {
    super();
  }
}
