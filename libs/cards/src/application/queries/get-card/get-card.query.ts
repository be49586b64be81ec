import { Query } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';

/** One of the user's cards with its usage (never the PAN or CVV). */
export class GetCardQuery extends Query<CardView> {
  constructor(
    readonly userId: string,
    readonly cardId: string,
  ) {
    super();
  }
}
