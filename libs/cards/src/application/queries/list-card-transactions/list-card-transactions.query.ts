import { Query } from '@nestjs/cqrs';
import type { CardTransactionsPage } from '../../card-lifecycle';

/** A card's activity, cursor-paginated. */
export class ListCardTransactionsQuery extends Query<CardTransactionsPage> {
  constructor(
    readonly userId: string,
    readonly cardId: string,
    readonly limit: number,
    readonly cursor: string | undefined,
  ) {
    super();
  }
}
