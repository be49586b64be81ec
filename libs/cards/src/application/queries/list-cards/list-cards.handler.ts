import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import { CardLifecycle } from '../../card-lifecycle';
import { ListCardsQuery } from './list-cards.query';

@QueryHandler(ListCardsQuery)
export class ListCardsHandler implements IQueryHandler<ListCardsQuery> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: ListCardsQuery): Promise<CardView[]> {
    return this.cards.list(c.userId);
  }
}
