import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { GetPreferencesQuery } from '#monay/wallet';
import { MovementEngine } from '../../movement-engine';
import { WithdrawalPolicy } from '../../withdrawal.policy';
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
    private readonly queries: QueryBus,
  ) {}

  async execute(command: RequestWithdrawalCommand) {
    const preferences = await this.queries.execute(new GetPreferencesQuery(command.userId));
    return this.engine.execute(this.policy, {
      userId: command.userId,
      idempotency: { key: command.idempotencyKey, scope: WITHDRAWAL_SCOPE, body: command.request },
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
