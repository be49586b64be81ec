import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobName, JobPayloads, JobQueue, OnJob } from '#monay/shared';
import { LedgerService } from '../application/ledger.service';

/** Every minute: pending holds past their expiry are voided as 'expired', releasing their funds. */
@Injectable()
export class HoldExpiryProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Ledger');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly jobs: JobQueue,
  ) {}

  /** Declared in the background: a queue that is down (Redis restarting) must not stop the API starting. */
  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.ExpireHolds, '* * * * *', { limit: 500 })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the hold expiry schedule: ${String(error)}`),
      );
  }

  /** One batch in its own transaction; a backlog larger than `limit` is taken by the next runs. */
  @OnJob(JobName.ExpireHolds)
  async expire({ limit }: JobPayloads[JobName.ExpireHolds]): Promise<{ expired: number }> {
    const expired = await this.dataSource.transaction((tx) => this.ledger.expireHolds(tx, new Date(), limit));
    if (expired > 0) this.logger.log(`Expired ${expired} pending holds`);
    return { expired };
  }
}
