import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { IdempotentExecutor, type IdempotentResult, type StoredResponse } from '#monay/shared';
import { plan, scheduleTerms } from '../../../domain/recurring-transfer';
import {
  RecurringTransferRecord,
  RecurringTransferRepository,
} from '../../../infrastructure/recurring-transfer.repository';
import { RecipientResolver } from '../../recipient-resolver';
import { RecurringTransferScheduler } from '../../recurring-transfer-scheduler';
import { toRecurringTransferView } from '../../recurring-transfer-view';
import { CreateRecurringTransferCommand } from './create-recurring-transfer.command';

/**
 * Checks the terms and that the recipient exists now, stores the schedule, then declares the job of its
 * first occurrence (after the commit: the job system may be another database connection or Redis).
 */
@CommandHandler(CreateRecurringTransferCommand)
export class CreateRecurringTransferHandler implements ICommandHandler<CreateRecurringTransferCommand> {
  private readonly logger = new Logger('RecurringTransfers');

  constructor(
    private readonly recipients: RecipientResolver,
    private readonly schedules: RecurringTransferRepository,
    private readonly scheduler: RecurringTransferScheduler,
    private readonly executor: IdempotentExecutor,
  ) {}

  async execute(command: CreateRecurringTransferCommand): Promise<IdempotentResult> {
    const now = new Date();
    const rule = scheduleTerms(command.terms, now);
    const [recipient] = await this.recipients.resolveMany(command.userId, [command.to]);
    if (!recipient.ok) throw recipient.error;
    const { nextRunAt, status } = plan(rule, {
      status: 'active',
      occurrencesRun: 0,
      lastOccurrenceAt: null,
      from: rule.startAt,
    });

    const work = async (tx: EntityManager): Promise<StoredResponse> => {
      const schedule: RecurringTransferRecord = {
        id: randomUUID(),
        userId: command.userId,
        recipientRef: recipient.ref,
        recipientUserId: recipient.userId,
        currency: command.amount.currency.code,
        amount: command.amount.minor,
        frequency: rule.frequency,
        startAt: rule.startAt,
        endAt: rule.endAt,
        maxOccurrences: rule.maxOccurrences,
        timezone: rule.timezone,
        note: command.note,
        status,
        nextRunAt,
        occurrencesRun: 0,
        createdAt: now,
        updatedAt: now,
        cancelledAt: null,
      };
      await this.schedules.insert(tx, schedule);
      return { status: 201, body: { success: true, recurring: toRecurringTransferView(schedule) } };
    };

    const result: IdempotentResult = await this.executor.execute(
      {
        userId: command.userId,
        key: command.idempotencyKey,
        scope: 'recurring-transfer.create',
        body: command.request,
      },
      work,
    );

    const id = (result.body.recurring as { id?: string } | undefined)?.id;
    if (result.status === 201 && id) await this.declareNextRun(id);
    return result;
  }

  /**
   * The schedule is stored either way; if the queue is unreachable right now, the start-up recovery of the
   * processor declares the overdue occurrence later, so the request still succeeds.
   */
  private async declareNextRun(id: string): Promise<void> {
    const warn = (error: unknown) =>
      this.logger.warn(`Recurring transfer ${id}: could not declare its next run yet: ${String(error)}`);
    try {
      const schedule = await this.schedules.findById(id);
      if (schedule?.status === 'active' && schedule.nextRunAt) {
        await this.scheduler.ensureSoon(schedule.id, schedule.nextRunAt, warn);
      }
    } catch (error) {
      warn(error);
    }
  }
}
