import { CommandBus, CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { RegisterUserCommand } from '#monay/identity';
import { KycVerificationRequiredError } from '../../../domain/wallet.errors';
import { GetLimitsQuery } from '../../queries/get-limits/get-limits.query';
import { toWalletView, WalletAccess } from '../../wallet-access';
import { OnboardConsumerCommand, OnboardedConsumer } from './onboard-consumer.command';

/** Sign-up with a wallet: the user (identity), then a wallet with an account per stablecoin, at KYC level 1. */
@CommandHandler(OnboardConsumerCommand)
export class OnboardConsumerHandler implements ICommandHandler<OnboardConsumerCommand> {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly wallets: WalletAccess,
  ) {}

  async execute(command: OnboardConsumerCommand): Promise<OnboardedConsumer> {
    // Levels rise only through verification: refuse before anything is created.
    if (command.kycLevel !== undefined && command.kycLevel > 1)
      throw new KycVerificationRequiredError(command.kycLevel);
    const registered = await this.commands.execute(
      new RegisterUserCommand(command.email, command.password, command.phone, command.client),
    );
    const wallet = await this.wallets.ensureWallet(registered.user.id);
    const limits = await this.queries.execute(new GetLimitsQuery(registered.user.id));
    return { ...registered, wallet: toWalletView(wallet), limits };
  }
}
