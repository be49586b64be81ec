import { Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { Users } from '#monay/identity';
import { JobName, JobQueue } from '#monay/shared';
import { KycVerificationRequiredError } from '../../../domain/wallet.errors';
import { GetLimitsQuery } from '../../queries/get-limits/get-limits.query';
import { toWalletView, WalletAccess } from '../../wallet-access';
import { OnboardConsumerCommand, OnboardedConsumer } from './onboard-consumer.command';

/**
 * Sign-up with a wallet: the user (identity), then a wallet with an account per stablecoin, at KYC level 1,
 * then a job that opens the user's wallets at the stablecoin providers (libs/providers).
 */
@CommandHandler(OnboardConsumerCommand)
export class OnboardConsumerHandler implements ICommandHandler<OnboardConsumerCommand> {
  private readonly logger = new Logger('Onboarding');

  constructor(
    private readonly users: Users,
    private readonly queries: QueryBus,
    private readonly wallets: WalletAccess,
    private readonly jobs: JobQueue,
  ) {}

  async execute(command: OnboardConsumerCommand): Promise<OnboardedConsumer> {
    // Levels rise only through verification: refuse before anything is created.
    if (command.kycLevel !== undefined && command.kycLevel > 1)
      throw new KycVerificationRequiredError(command.kycLevel);
    const registered = await this.users.register(
      command.email,
      command.password,
      command.phone,
      command.client,
    );
    const wallet = await this.wallets.ensureWallet(registered.user.id);
    await this.openProviderWallets(registered.user.id);
    const limits = await this.queries.execute(new GetLimitsQuery(registered.user.id));
    return { ...registered, wallet: toWalletView(wallet), limits };
  }

  /**
   * Once per user (the job id), retried with backoff while a provider is down. The user exists by now: a queue
   * that is unreachable must not fail the sign-up, so that is logged instead.
   */
  private async openProviderWallets(userId: string): Promise<void> {
    try {
      await this.jobs.enqueue(
        JobName.CreateProviderWallets,
        { userId },
        // BullMQ accepts a custom id with ':' only in three parts.
        {
          jobId: `provider-wallets:${userId}:open`,
          attempts: 10,
          backoff: { type: 'exponential', delay: 1_000 },
        },
      );
    } catch (error) {
      this.logger.warn(`Could not enqueue the provider wallets of user ${userId}: ${String(error)}`);
    }
  }
}
