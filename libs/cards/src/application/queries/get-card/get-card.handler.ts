import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import { CardLifecycle } from '../../card-lifecycle';
import { GetCardQuery } from './get-card.query';

@QueryHandler(GetCardQuery)
export class GetCardHandler implements IQueryHandler<GetCardQuery> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: GetCardQuery): Promise<CardView> {
    return this.cards.get(c.userId, c.cardId);
  }
}
