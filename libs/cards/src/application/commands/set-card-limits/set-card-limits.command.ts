import { Command } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import type { LimitsPatch } from '../../card-lifecycle';

/** Set a card's limits and blocked categories; answers with its usage. */
export class SetCardLimitsCommand extends Command<CardView> {
  constructor(
    readonly userId: string,
    readonly cardId: string,
    readonly limits: LimitsPatch,
  ) {
    super();
  }
}
