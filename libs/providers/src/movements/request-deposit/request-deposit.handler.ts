import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Money } from '#monay/kernel';
import { WalletReports } from '#monay/wallet';
import { AmountBelowFeeError } from '../../domain/movement.errors';
import { ProviderRouter } from '../../routing/provider-router';
import { DepositPolicy } from './deposit.policy';
import { MovementEngine, type StartMovement } from '../movement-engine';
import { RequestDepositCommand } from './request-deposit.command';

export const DEPOSIT_SCOPE = 'consumer.deposit';

/**
 * Money in through a provider, routed with the user's preferred provider and smart-routing switch: 201 once
 * credited, 202 while the provider has not confirmed, 503 when no provider can take it (nothing happened: the
 * key is released).
 */
@CommandHandler(RequestDepositCommand)
export class RequestDepositHandler implements ICommandHandler<RequestDepositCommand> {
  constructor(
    private readonly engine: MovementEngine,
    private readonly policy: DepositPolicy,
    private readonly router: ProviderRouter,
    private readonly walletReports: WalletReports,
  ) {}

  async execute(command: RequestDepositCommand) {
    const preferences = await this.walletReports.preferences(command.userId);
    const start: StartMovement = {
      userId: command.userId,
      idempotency: { key: command.idempotencyKey, scope: DEPOSIT_SCOPE, body: command.request },
      amount: command.amount,
      speed: command.urgency,
      method: command.method,
      routing: {
        ...(preferences.preferredProvider && { preferred: preferences.preferredProvider }),
        smartRouting: preferences.smartRouting,
      },
    };
    this.assertAboveFees(start);
    return this.engine.execute(this.policy, start);
  }

  /** A deposit that no candidate could credit anything of is refused before anything is recorded. */
  private assertAboveFees(start: StartMovement): void {
    const plan = this.router.plan(this.engine.routeRequestOf(this.policy, start));
    const fees = plan.candidates.flatMap((name) => {
      const adapter = this.engine.adapter(name);
      return adapter ? [adapter.estimate('deposit', start.amount).fee] : [];
    });
    if (fees.length === 0) return;
    const lowest = fees.reduce((a, b) => (b < a ? b : a));
    if (lowest >= start.amount.minor) {
      throw new AmountBelowFeeError(
        start.amount.toDecimalString(),
        Money.of(lowest, start.amount.currency.code).toDecimalString(),
        start.amount.currency.code,
      );
    }
  }
}
