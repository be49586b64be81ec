import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { GetPreferencesQuery } from '#monay/wallet';
import { isExternalAddress, normalizeAddress } from '../../../../domain/external-transfer';
import { InvalidExternalAddressError } from '../../../../domain/external-transfer.errors';
import { ExternalTransferPolicy } from '../../external-transfer.policy';
import { MovementEngine } from '../../movement-engine';
import { SendExternalTransferCommand } from './send-external-transfer.command';

/**
 * Money out to an external 0x address: hold (amount + the highest candidate fee) → route `transferOut` →
 * post or void. 201 when the provider completed it, 202 while it works on it (the hold keeps the funds
 * reserved), 422 when refused (funds, limits) or failed at the provider (hold voided), 503 when no provider
 * can take it (hold voided, key released: the same key may be retried).
 */
@CommandHandler(SendExternalTransferCommand)
export class SendExternalTransferHandler implements ICommandHandler<SendExternalTransferCommand> {
  constructor(
    private readonly engine: MovementEngine,
    private readonly policy: ExternalTransferPolicy,
    private readonly queries: QueryBus,
  ) {}

  async execute(command: SendExternalTransferCommand) {
    if (!isExternalAddress(command.to.trim())) throw new InvalidExternalAddressError('to');
    const preferences = await this.queries.execute(new GetPreferencesQuery(command.userId));
    return this.engine.execute(this.policy, {
      userId: command.userId,
      idempotency: { key: command.idempotencyKey, scope: command.scope, body: command.request },
      amount: command.amount,
      speed: 'standard',
      destination: normalizeAddress(command.to),
      routing: {
        ...(preferences.preferredProvider && { preferred: preferences.preferredProvider }),
        smartRouting: preferences.smartRouting,
      },
      metadata: { note: command.note },
    });
  }
}
