import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, DueWork, JobName, JobPayloads, JobQueue, OnJob, type DueWorkSweeper } from '#monay/shared';
import { LedgerService } from '../application/ledger.service';

/**
 * Every minute, and whenever the sandbox clock is advanced (due work): pending holds past their expiry are voided as
 * 'expired', releasing their funds.
 */
@Injectable()
export class HoldExpiryProcessor implements OnApplicationBootstrap, DueWorkSweeper {
  private readonly logger = new Logger('Ledger');
  readonly name = 'ledger.expire-holds';

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    dueWork: DueWork,
  ) {
    dueWork.register(this);
  }

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
    await this.clock.sync();
    const expired = await this.expireBatch(this.clock.now(), limit);
    return { expired };
  }

  /** Every hold due at `now`, in batches of 500. */
  async sweep(now: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.expireBatch(now, 500);
      total += expired;
      if (expired < 500) return total;
    }
  }

  private async expireBatch(now: Date, limit: number): Promise<number> {
    const expired = await this.dataSource.transaction((tx) => this.ledger.expireHolds(tx, now, limit));
    if (expired > 0) this.logger.log(`Expired ${expired} pending holds`);
    return expired;
  }
}
