import { Query } from '@nestjs/cqrs';
import type { RecurringExecutionView, RecurringTransferView } from '../../recurring-transfer-view';

/** A schedule with its most recent executions (newest first); only its owner sees it. */
export class GetRecurringTransferQuery extends Query<{
  recurring: RecurringTransferView;
  executions: RecurringExecutionView[];
}> {
  constructor(
    readonly userId: string,
    readonly scheduleId: string,
  ) {
    super();
  }
}
