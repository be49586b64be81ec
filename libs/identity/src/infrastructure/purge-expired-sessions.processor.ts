import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobName, JobPayloads, JobQueue, OnJob } from '#monay/shared';
import { SessionRepository } from './session.repository';

const RETENTION_DAYS = 7;

/** Daily: refresh tokens that expired a week ago can never be presented again, so they go. */
@Injectable()
export class PurgeExpiredSessionsProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly sessions: SessionRepository,
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
    this.logger.log(`Purged ${deleted} expired refresh tokens`);
    return { deleted };
  }
}
