import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { decodePageCursor, encodePageCursor } from '#monay/shared';
import { RecurringTransferRepository } from '../../../infrastructure/recurring-transfer.repository';
import { toRecurringTransferView } from '../../recurring-transfer-view';
import { ListRecurringTransfersQuery } from './list-recurring-transfers.query';

@QueryHandler(ListRecurringTransfersQuery)
export class ListRecurringTransfersHandler implements IQueryHandler<ListRecurringTransfersQuery> {
  constructor(private readonly schedules: RecurringTransferRepository) {}

  async execute({ userId, limit, cursor }: ListRecurringTransfersQuery) {
    const rows = await this.schedules.listForOwner(userId, {
      limit: limit + 1,
      after: cursor ? decodePageCursor(cursor) : undefined,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      recurring: page.map(toRecurringTransferView),
      nextCursor: rows.length > limit && last ? encodePageCursor(last.createdAt, last.id) : null,
    };
  }
}
