import { Command } from '@nestjs/cqrs';
import type { CurrencyCode } from '#monay/kernel';
import type { Frequency } from '../../../domain/recurrence';
import type { RecurringTransferView } from '../../recurring-transfer-view';

/** What the owner changes; absent = unchanged, null = cleared (endAt, maxOccurrences, note). */
export interface RecurringTransferChanges {
  amount?: string | number;
  currency?: CurrencyCode;
  frequency?: Frequency;
  startAt?: string;
  endAt?: string | null;
  maxOccurrences?: number | null;
  timezone?: string;
  note?: string | null;
  status?: 'active' | 'paused';
}

export class UpdateRecurringTransferCommand extends Command<RecurringTransferView> {
  constructor(
    readonly userId: string,
    readonly scheduleId: string,
    readonly changes: RecurringTransferChanges,
  ) {
    super();
  }
}
