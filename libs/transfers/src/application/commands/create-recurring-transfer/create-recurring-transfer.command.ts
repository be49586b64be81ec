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

/** Sets up a schedule; moves no money. With an Idempotency-Key a retried request creates it once. */
export class CreateRecurringTransferCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string | null,
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
