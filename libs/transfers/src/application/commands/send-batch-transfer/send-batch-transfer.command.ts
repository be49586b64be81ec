import { Command } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';
import type { IdempotentResult } from '#monay/shared';

export class SendBatchTransferCommand extends Command<IdempotentResult> {
  constructor(
    readonly senderId: string,
    readonly idempotencyKey: string,
    readonly recipients: Array<{ to: string; amount: Money; note: string | null }>,
    readonly request: unknown,
  ) {
    super();
  }
}
