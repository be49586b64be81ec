import { Command } from '@nestjs/cqrs';
import type { RevealedCard } from '../../card-lifecycle';
import type { StepUpContext } from '#monay/identity';

/** Show a card's PAN and CVV after a fresh step-up. */
export class RevealCardCommand extends Command<RevealedCard> {
  constructor(
    readonly userId: string,
    readonly cardId: string,
    readonly context: StepUpContext,
  ) {
    super();
  }
}
