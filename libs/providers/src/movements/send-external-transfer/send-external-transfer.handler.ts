import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { StepUp } from '#monay/identity';
import { IdempotentExecutor } from '#monay/shared';
import { WalletReports, WalletAccess } from '#monay/wallet';
import { MovementRepository } from '../movement.repository';
import { isExternalAddress, normalizeAddress } from '../../domain/external-transfer';
import { InvalidExternalAddressError } from '../../domain/external-transfer.errors';
import { ExternalTransferPolicy } from './external-transfer.policy';
import { MovementEngine } from '../movement-engine';
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
    private readonly walletReports: WalletReports,
    private readonly stepUp: StepUp,
    private readonly wallets: WalletAccess,
    private readonly movements: MovementRepository,
    private readonly executor: IdempotentExecutor,
  ) {}

  async execute(command: SendExternalTransferCommand) {
    if (!isExternalAddress(command.to.trim())) throw new InvalidExternalAddressError('to');
    const destination = normalizeAddress(command.to);
    const idempotency = { key: command.idempotencyKey, scope: command.scope, body: command.request };
    // Before the key is claimed, so a 403 STEP_UP_REQUIRED is not stored and the same key works after stepping up.
    if (command.stepUp) {
      await this.stepUp.assert({
        userId: command.userId,
        context: command.stepUp,
        operation: 'external_transfer',
        amountUsd: this.wallets.usdValue(command.amount),
        newDestination: async () =>
          !(await this.movements.completedPayoutDestinations(command.userId, [destination])).has(destination),
        alreadyAnswered: () => this.executor.answered({ userId: command.userId, ...idempotency }),
      });
    }
    const preferences = await this.walletReports.preferences(command.userId);
    return this.engine.execute(this.policy, {
      userId: command.userId,
      idempotency,
      amount: command.amount,
      speed: 'standard',
      destination,
      routing: {
        ...(preferences.preferredProvider && { preferred: preferences.preferredProvider }),
        smartRouting: preferences.smartRouting,
      },
      metadata: { note: command.note },
    });
  }
}
