import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { CardTransactionsPage } from '../../card-lifecycle';
import { CardLifecycle } from '../../card-lifecycle';
import { ListCardTransactionsQuery } from './list-card-transactions.query';

@QueryHandler(ListCardTransactionsQuery)
export class ListCardTransactionsHandler implements IQueryHandler<ListCardTransactionsQuery> {
  constructor(private readonly cards: CardLifecycle) {}

  execute(c: ListCardTransactionsQuery): Promise<CardTransactionsPage> {
    return this.cards.transactions(c.userId, c.cardId, c.limit, c.cursor);
  }
}
