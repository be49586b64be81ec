import { Command } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';

/** Pause a card (it declines at once) or open it again. */
export class FreezeCardCommand extends Command<CardView> {
  constructor(
    readonly userId: string,
    readonly cardId: string,
    readonly frozen: boolean,
  ) {
    super();
  }
}
