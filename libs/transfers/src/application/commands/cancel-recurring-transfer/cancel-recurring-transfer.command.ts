import { Command } from '@nestjs/cqrs';
import type { RecurringTransferView } from '../../recurring-transfer-view';

/** No more occurrences; the executions so far stay. Cancelling twice answers the same. */
export class CancelRecurringTransferCommand extends Command<RecurringTransferView> {
  constructor(
    readonly userId: string,
    readonly scheduleId: string,
  ) {
    super();
  }
}
