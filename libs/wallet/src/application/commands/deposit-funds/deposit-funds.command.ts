import { Command } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';

export class DepositFundsCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string,
    readonly amount: Money,
    readonly method: string,
    readonly urgency: 'instant' | 'standard',
    /** The validated request body, for the idempotency hash. */
    readonly request: unknown,
  ) {
    super();
  }
}
