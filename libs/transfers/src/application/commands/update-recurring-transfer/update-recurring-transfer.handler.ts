import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { parseAmountInput } from '#monay/kernel';
import { UnitOfWork } from '#monay/shared';
import { isClosed, isRecurringTransferId, plan, scheduleTerms } from '../../../domain/recurring-transfer';
import {
  RecurringTransferClosedError,
  RecurringTransferNotFoundError,
} from '../../../domain/recurring-transfer.errors';
import {
  RecurringTransferRecord,
  RecurringTransferRepository,
} from '../../../infrastructure/recurring-transfer.repository';
import { RecurringTransferScheduler } from '../../recurring-transfer-scheduler';
import { toRecurringTransferView, type RecurringTransferView } from '../../recurring-transfer-view';
import { UpdateRecurringTransferCommand } from './update-recurring-transfer.command';

/**
 * Changes the amount, the terms, the note, or pauses / resumes. The next run is planned afresh from the new
 * terms: never an occurrence that already ran, never one in the past (except one that is overdue right now,
 * which is still owed), none while paused — occurrences that fall while paused are skipped, not made up.
 */
@CommandHandler(UpdateRecurringTransferCommand)
export class UpdateRecurringTransferHandler implements ICommandHandler<UpdateRecurringTransferCommand> {
  private readonly logger = new Logger('RecurringTransfers');

  constructor(
    private readonly schedules: RecurringTransferRepository,
    private readonly scheduler: RecurringTransferScheduler,
    private readonly uow: UnitOfWork,
  ) {}

  async execute({
    userId,
    scheduleId,
    changes,
  }: UpdateRecurringTransferCommand): Promise<RecurringTransferView> {
    if (!isRecurringTransferId(scheduleId)) throw new RecurringTransferNotFoundError();
    const now = new Date();
    const updated = await this.uow.run(async (tx) => {
      const current = await this.schedules.lock(tx, scheduleId, userId);
      if (!current) throw new RecurringTransferNotFoundError();
      if (isClosed(current.status)) throw new RecurringTransferClosedError(current.status);

      const currency = changes.currency ?? current.currency;
      const amount =
        changes.amount === undefined
          ? current.amount
          : parseAmountInput(changes.amount, currency, { field: 'amount' }).minor;
      const rule = scheduleTerms(
        {
          frequency: changes.frequency ?? current.frequency,
          startAt: changes.startAt ?? current.startAt,
          endAt: changes.endAt === undefined ? current.endAt : changes.endAt,
          maxOccurrences:
            changes.maxOccurrences === undefined ? current.maxOccurrences : changes.maxOccurrences,
          timezone: changes.timezone ?? current.timezone,
        },
        now,
      );
      let from = now;
      if (changes.startAt !== undefined && rule.startAt < from) from = rule.startAt;
      if (current.status === 'active' && current.nextRunAt && current.nextRunAt < from)
        from = current.nextRunAt;
      const next = plan(rule, {
        status: changes.status ?? (current.status === 'paused' ? 'paused' : 'active'),
        occurrencesRun: current.occurrencesRun,
        lastOccurrenceAt: await this.schedules.lastOccurrence(tx, scheduleId),
        from,
      });
      const schedule: RecurringTransferRecord = {
        ...current,
        currency,
        amount,
        frequency: rule.frequency,
        startAt: rule.startAt,
        endAt: rule.endAt,
        maxOccurrences: rule.maxOccurrences,
        timezone: rule.timezone,
        note: changes.note === undefined ? current.note : changes.note,
        status: next.status,
        nextRunAt: next.nextRunAt,
        updatedAt: now,
      };
      await this.schedules.update(tx, schedule);
      return schedule;
    });
    if (updated.status === 'active' && updated.nextRunAt) {
      await this.scheduler.ensureSoon(updated.id, updated.nextRunAt, (error: unknown) =>
        this.logger.warn(
          `Recurring transfer ${updated.id}: could not declare its next run yet: ${String(error)}`,
        ),
      );
    }
    return toRecurringTransferView(updated);
  }
}
