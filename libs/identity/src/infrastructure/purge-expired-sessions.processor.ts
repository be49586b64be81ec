import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobName, JobPayloads, JobQueue, OnJob } from '#monay/shared';
import { SessionRepository } from './session.repository';
import { TwoFactorRepository } from './two-factor.repository';

const RETENTION_DAYS = 7;

/** Daily: refresh tokens that expired a week ago, and sign-in challenges a day past expiry, can never be used again. */
@Injectable()
export class PurgeExpiredSessionsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly sessions: SessionRepository,
    private readonly twoFactor: TwoFactorRepository,
    private readonly jobs: JobQueue,
  ) {}

  /** Declared in the background: a queue that is down (Redis restarting) must not stop the API starting. */
  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.PurgeExpiredSessions, '30 3 * * *', { retentionDays: RETENTION_DAYS })
      .catch((error: unknown) => this.logger.warn(`Could not declare the purge schedule: ${String(error)}`));
  }

  @OnJob(JobName.PurgeExpiredSessions)
  async purge({ retentionDays }: JobPayloads[JobName.PurgeExpiredSessions]): Promise<{ deleted: number }> {
    const deleted = await this.sessions.purgeExpiredTokens(retentionDays);
    const challenges = await this.twoFactor.purgeChallenges(new Date(Date.now() - 86_400_000));
    this.logger.log(`Purged ${deleted} expired refresh tokens and ${challenges} expired sign-in challenges`);
    return { deleted };
  }
}
