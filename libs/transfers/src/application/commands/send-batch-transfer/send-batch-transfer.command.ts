import { Command } from '@nestjs/cqrs';
import type { StepUpContext } from '#monay/identity';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';

export class SendBatchTransferCommand extends Command<IdempotentResult> {
  constructor(
    readonly senderId: string,
    readonly idempotencyKey: string,
    readonly recipients: Array<{ to: string; amount: Money; note: string | null }>,
    readonly request: unknown,
    /** The client's session and step-up token, for the step-up check (identity's StepUp). */
    readonly stepUp: StepUpContext,
  ) {
    super();
  }
}
