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

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.schedule(JobName.PurgeExpiredSessions, '30 3 * * *', { retentionDays: RETENTION_DAYS });
  }

  @OnJob(JobName.PurgeExpiredSessions)
  async purge({ retentionDays }: JobPayloads[JobName.PurgeExpiredSessions]): Promise<{ deleted: number }> {
    const deleted = await this.sessions.purgeExpiredTokens(retentionDays);
    this.logger.log(`Purged ${deleted} expired refresh tokens`);
    return { deleted };
  }
}
