import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '#monay/shared';
import { isRecurringTransferId } from '../../../domain/recurring-transfer';
import {
  RecurringTransferClosedError,
  RecurringTransferNotFoundError,
} from '../../../domain/recurring-transfer.errors';
import { RecurringTransferRepository } from '../../../infrastructure/recurring-transfer.repository';
import { toRecurringTransferView, type RecurringTransferView } from '../../recurring-transfer-view';
import { CancelRecurringTransferCommand } from './cancel-recurring-transfer.command';

/**
 * Cancels under the schedule's row lock, so it is ordered with the claim of an occurrence: an occurrence
 * claimed before the cancel still completes; none is claimed after it. A pending job finds the schedule
 * cancelled and does nothing.
 */
@CommandHandler(CancelRecurringTransferCommand)
export class CancelRecurringTransferHandler implements ICommandHandler<CancelRecurringTransferCommand> {
  constructor(
    private readonly schedules: RecurringTransferRepository,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({ userId, scheduleId }: CancelRecurringTransferCommand): Promise<RecurringTransferView> {
    if (!isRecurringTransferId(scheduleId)) throw new RecurringTransferNotFoundError();
    const now = new Date();
    const schedule = await this.uow.run(async (tx) => {
      const current = await this.schedules.lock(tx, scheduleId, userId);
      if (!current) throw new RecurringTransferNotFoundError();
      if (current.status === 'cancelled') return current;
      if (current.status === 'completed') throw new RecurringTransferClosedError(current.status);
      const cancelled = {
        ...current,
        status: 'cancelled' as const,
        nextRunAt: null,
        cancelledAt: now,
        updatedAt: now,
      };
      await this.schedules.update(tx, cancelled);
      return cancelled;
    });
    return toRecurringTransferView(schedule);
  }
}
