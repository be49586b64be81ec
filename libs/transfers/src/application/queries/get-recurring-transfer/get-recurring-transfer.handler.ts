import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { isRecurringTransferId } from '../../../domain/recurring-transfer';
import { RecurringTransferNotFoundError } from '../../../domain/recurring-transfer.errors';
import { RecurringTransferRepository } from '../../../infrastructure/recurring-transfer.repository';
import { toRecurringExecutionView, toRecurringTransferView } from '../../recurring-transfer-view';
import { GetRecurringTransferQuery } from './get-recurring-transfer.query';

const EXECUTIONS_SHOWN = 100;

/** Another user's schedule, an unknown or a malformed id: 404 alike. */
@QueryHandler(GetRecurringTransferQuery)
export class GetRecurringTransferHandler implements IQueryHandler<GetRecurringTransferQuery> {
  constructor(private readonly schedules: RecurringTransferRepository) {}

  async execute({ userId, scheduleId }: GetRecurringTransferQuery) {
    const schedule = isRecurringTransferId(scheduleId)
      ? await this.schedules.findForOwner(scheduleId, userId)
      : null;
    if (!schedule) throw new RecurringTransferNotFoundError();
    const executions = await this.schedules.executions(schedule.id, EXECUTIONS_SHOWN);
    return {
      recurring: toRecurringTransferView(schedule),
      executions: executions.map(toRecurringExecutionView),
    };
  }
}
