import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, JobName, JobQueue, OnJob } from '#monay/shared';
import { CardSandbox } from './card-sandbox';

/**
 * Every fifteen minutes the sandbox card network expires the authorizations nobody captured within
 * `CARD_AUTHORIZATION_EXPIRY_DAYS` (as a real network does on its own); advancing the sandbox clock does the same at
 * once (the sandbox is a due-work sweeper).
 */
@Injectable()
export class CardNetworkExpiryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('CardNetworkExpiry');

  constructor(
    private readonly network: CardSandbox,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.ExpireCardAuthorizations, '*/15 * * * *', {})
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the card authorization expiry schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.ExpireCardAuthorizations)
  async expire(): Promise<{ expired: number }> {
    await this.clock.sync();
    return { expired: await this.network.sweep(this.clock.now()) };
  }
}
