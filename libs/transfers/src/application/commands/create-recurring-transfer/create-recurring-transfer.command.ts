import { Command } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';
import type { Frequency } from '../../../domain/recurrence';

export interface RecurringTermsRequest {
  frequency: Frequency;
  startAt: string;
  endAt: string | null;
  maxOccurrences: number | null;
  timezone: string;
}

/**
 * Sets up a schedule. Creating it moves no money yet, but every schedule pays on each occurrence, so a create
 * is a money request: it needs an Idempotency-Key, and a retried request creates (and pays) one schedule.
 */
export class CreateRecurringTransferCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string,
    readonly to: string,
    readonly amount: Money,
    readonly terms: RecurringTermsRequest,
    readonly note: string | null,
    /** The validated request body, for the idempotency hash. */
    readonly request: unknown,
  ) {
    super();
  }
}
