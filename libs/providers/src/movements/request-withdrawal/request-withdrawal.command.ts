import { Command } from '@nestjs/cqrs';
import type { StepUpContext } from '#monay/identity';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';
import type { Urgency } from '../../domain/stablecoin-provider.port';

export class RequestWithdrawalCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string,
    readonly amount: Money,
    /** A bank account or card reference (validated format). */
    readonly destination: string,
    readonly speed: Urgency,
    /** The validated request body, for the idempotency hash. */
    readonly request: unknown,
    /** The client's session and step-up token, for the step-up check (identity's StepUp). */
    readonly stepUp: StepUpContext,
  ) {
    super();
  }
}
