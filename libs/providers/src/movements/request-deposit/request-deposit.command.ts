import { Command } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';
import type { Urgency } from '../../domain/stablecoin-provider.port';
import type { DepositMethod } from './deposit.policy';

export class RequestDepositCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string,
    readonly amount: Money,
    readonly method: DepositMethod,
    readonly urgency: Urgency,
    /** The validated request body, for the idempotency hash. */
    readonly request: unknown,
  ) {
    super();
  }
}
