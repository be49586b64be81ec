import { Command } from '@nestjs/cqrs';
import type { CurrencyCode, Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';

/** What to execute: a quote the user asked for, or a pair and amount to quote and execute at once. */
export type SwapOrder =
  { quoteId: string } | { quoteId?: undefined; from: CurrencyCode; to: CurrencyCode; amount: Money };

export class ExecuteSwapCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string,
    readonly order: SwapOrder,
    /** The validated request body, for the idempotency hash. */
    readonly request: unknown,
  ) {
    super();
  }
}
