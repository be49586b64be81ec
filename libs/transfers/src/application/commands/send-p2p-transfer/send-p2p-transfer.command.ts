import { Command } from '@nestjs/cqrs';
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
  ) {
    super();
  }
}
