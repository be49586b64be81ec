import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { StepUp } from '#monay/identity';
import { IdempotentExecutor } from '#monay/shared';
import { WalletReports, WalletAccess } from '#monay/wallet';
import { MovementRepository } from '../movement.repository';
import { MovementEngine } from '../movement-engine';
import { WithdrawalPolicy } from './withdrawal.policy';
import { RequestWithdrawalCommand } from './request-withdrawal.command';

export const WITHDRAWAL_SCOPE = 'consumer.withdraw';

/**
 * Money out to a bank account or card: hold → route → post or void. 201 when paid out, 202 while the provider
 * works on it (the hold keeps the funds reserved), 422 when refused (funds, limits) or failed at the provider
 * (hold voided), 503 when no provider can take it (hold voided, key released).
 */
@CommandHandler(RequestWithdrawalCommand)
export class RequestWithdrawalHandler implements ICommandHandler<RequestWithdrawalCommand> {
  constructor(
    private readonly engine: MovementEngine,
    private readonly policy: WithdrawalPolicy,
    private readonly walletReports: WalletReports,
    private readonly stepUp: StepUp,
    private readonly wallets: WalletAccess,
    private readonly movements: MovementRepository,
    private readonly executor: IdempotentExecutor,
  ) {}

  async execute(command: RequestWithdrawalCommand) {
    const idempotency = { key: command.idempotencyKey, scope: WITHDRAWAL_SCOPE, body: command.request };
    // Before the key is claimed, so a 403 STEP_UP_REQUIRED is not stored and the same key works after stepping up.
    await this.stepUp.assert({
      userId: command.userId,
      context: command.stepUp,
      operation: 'withdrawal',
      amountUsd: this.wallets.usdValue(command.amount),
      newDestination: async () =>
        !(await this.movements.completedPayoutDestinations(command.userId, [command.destination])).has(
          command.destination,
        ),
      alreadyAnswered: () => this.executor.answered({ userId: command.userId, ...idempotency }),
    });
    const preferences = await this.walletReports.preferences(command.userId);
    return this.engine.execute(this.policy, {
      userId: command.userId,
      idempotency,
      amount: command.amount,
      speed: command.speed,
      destination: command.destination,
      routing: {
        ...(preferences.preferredProvider && { preferred: preferences.preferredProvider }),
        smartRouting: preferences.smartRouting,
      },
    });
  }
}
