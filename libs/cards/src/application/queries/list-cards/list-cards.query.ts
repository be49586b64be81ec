import { Query } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';

/** The user's cards, newest first. */
export class ListCardsQuery extends Query<CardView[]> {
  constructor(readonly userId: string) {
    super();
  }
}
