import { Command } from '@nestjs/cqrs';
import type { StepUpContext } from '#monay/identity';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';

export class SendP2pTransferCommand extends Command<IdempotentResult> {
  constructor(
    readonly senderId: string,
    readonly idempotencyKey: string,
    /** The route it came by: one key cannot serve two routes. */
    readonly scope: string,
    readonly to: string,
    readonly amount: Money,
    readonly note: string | null,
    /** The validated request body, for the idempotency hash. */
    readonly request: unknown,
    /**
     * The client's session and step-up token, for the step-up check (identity's StepUp). Null for a payment the
     * user set up earlier and a job makes now (a recurring occurrence): no one is there to step up.
     */
    readonly stepUp: StepUpContext | null,
    /** To an email or phone no user has: hold the money for them and invite them (issue 17). */
    readonly inviteIfUnknown = false,
  ) {
    super();
  }
}
