import { Query } from '@nestjs/cqrs';
import type { RecurringTransferView } from '../../recurring-transfer-view';

/** The user's schedules, newest first, a page at a time. */
export class ListRecurringTransfersQuery extends Query<{
  recurring: RecurringTransferView[];
  nextCursor: string | null;
}> {
  constructor(
    readonly userId: string,
    readonly limit: number,
    readonly cursor: string | null,
  ) {
    super();
  }
}
