import { Command } from '@nestjs/cqrs';
import type { StepUpContext } from '#monay/identity';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';

/** Money out on chain to one external 0x address (the transfer routes dispatch it for a `0x…` recipient). */
export class SendExternalTransferCommand extends Command<IdempotentResult> {
  constructor(
    readonly userId: string,
    readonly idempotencyKey: string,
    /** The route it came by (`p2p-transfer.send`, `consumer.transfer`): one key cannot serve two routes. */
    readonly scope: string,
    /** `0x` and 40 hex digits, any case (validated again here, sent in lower case). */
    readonly to: string,
    readonly amount: Money,
    /** The sender's note: ours in full, sent on chain as each vendor's memo rules allow. */
    readonly note: string | null,
    /** The validated request body, for the idempotency hash. */
    readonly request: unknown,
    /** The client's session and step-up token for the step-up check; null for a payment no one is there to confirm. */
    readonly stepUp: StepUpContext | null,
  ) {
    super();
  }
}
