import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  AppConfig,
  Clock,
  DueWork,
  JobName,
  JobPayloads,
  JobQueue,
  OnJob,
  OutboxWriter,
  UnitOfWork,
  type DueWorkSweeper,
} from '#monay/shared';
import { PointsBook } from '../application/points-book';
import { Referrals } from '../application/referrals';
import { RewardPointsExpiring } from '../domain/events/rewards.events';
import { DAY_MS } from '../domain/points';
import { RewardsRepository } from './rewards.repository';

/**
 * What falls due in the rewards programme, every ten minutes and whenever the sandbox clock is advanced: pending
 * points whose lock period is over become available, lots past their expiry expire, members are told of points
 * expiring within the notice period (once per lot), and referrals whose holding period is over are decided. Each
 * item is its own transaction, so one that fails (a lock, a vendor) does not hold up the rest.
 */
@Injectable()
export class RewardsDueWorkProcessor implements OnApplicationBootstrap, DueWorkSweeper {
  private readonly logger = new Logger('RewardsDueWork');
  readonly name = 'rewards.due-work';

  constructor(
    private readonly repository: RewardsRepository,
    private readonly book: PointsBook,
    private readonly referrals: Referrals,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    dueWork: DueWork,
  ) {
    dueWork.register(this);
  }

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.RunRewardsDueWork, '*/10 * * * *', { limit: 500 })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the rewards schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.RunRewardsDueWork)
  async run({ limit }: JobPayloads[JobName.RunRewardsDueWork]): Promise<{ done: number }> {
    await this.clock.sync();
    return { done: await this.sweepAt(this.clock.now(), limit) };
  }

  sweep(now: Date): Promise<number> {
    return this.sweepAt(now, 500);
  }

  private async sweepAt(now: Date, limit: number): Promise<number> {
    let done = 0;
    for (const { id, userId } of await this.repository.vestable(this.uow.manager, now, limit)) {
      done += await this.each('vest', () => this.uow.run((tx) => this.book.vest(tx, id, userId, now)));
    }
    for (const userId of await this.repository.usersWithExpiredLots(this.uow.manager, now, limit)) {
      done += await this.each('expire', () =>
        this.uow.run(async (tx) => (await this.book.expire(tx, userId, now)) > 0n),
      );
    }
    done += await this.each('expiry notices', () => this.announceExpiries(now, limit));
    for (const referral of await this.repository.dueReferrals(this.uow.manager, now, limit)) {
      done += await this.each('referral', () => this.referrals.decide(referral, now));
    }
    return done;
  }

  private async announceExpiries(now: Date, limit: number): Promise<boolean> {
    const before = new Date(now.getTime() + this.config.rewards.expiryNoticeDays * DAY_MS);
    return this.uow.run(async (tx) => {
      const notices = await this.repository.claimExpiryNotices(tx, now, before, limit);
      await this.outbox.append(
        tx,
        notices.map((notice) => ({
          type: RewardPointsExpiring,
          aggregateId: notice.userId,
          userIds: [notice.userId],
          payload: {
            userId: notice.userId,
            points: notice.points.toString(),
            expiresAt: notice.expiresAt.toISOString(),
          },
        })),
      );
      return notices.length > 0;
    });
  }

  private async each(what: string, work: () => Promise<boolean>): Promise<number> {
    try {
      return (await work()) ? 1 : 0;
    } catch (error) {
      this.logger.warn(`Rewards due work (${what}) failed: ${String(error)}`);
      return 0;
    }
  }
}
