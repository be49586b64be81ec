import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Clock, DueWork, JobName, JobPayloads, JobQueue, OnJob, type DueWorkSweeper } from '#monay/shared';
import { InquirySync } from '../application/inquiry-sync';
import { KycRepository } from './kyc.repository';

/** An inquiry waiting for the vendor's decision this long without a word is asked about (a webhook may be lost). */
const STALE_AFTER_MS = 10 * 60_000;

/**
 * Every five minutes, and whenever the sandbox clock is advanced (due work): the vendor is asked about each open
 * inquiry past its expiry (24 h by default), and about each one waiting for a decision that has not changed for ten
 * minutes, and its answer applied — so an inquiry expires, or is decided, here even if the vendor's webhook never
 * comes.
 */
@Injectable()
export class KycExpiryProcessor implements OnApplicationBootstrap, DueWorkSweeper {
  private readonly logger = new Logger('KycExpiry');
  readonly name = 'kyc.expire-inquiries';

  constructor(
    private readonly repository: KycRepository,
    private readonly sync: InquirySync,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    dueWork: DueWork,
  ) {
    dueWork.register(this);
  }

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.ExpireKycInquiries, '*/5 * * * *', { limit: 200 })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the KYC expiry schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.ExpireKycInquiries)
  async expire({ limit }: JobPayloads[JobName.ExpireKycInquiries]): Promise<{ expired: number }> {
    await this.clock.sync();
    return { expired: await this.expireBatch(this.clock.now(), limit) };
  }

  sweep(now: Date): Promise<number> {
    return this.expireBatch(now, 500);
  }

  private async expireBatch(now: Date, limit: number): Promise<number> {
    let changed = 0;
    for (const inquiry of await this.repository.dueForRefresh(
      now,
      new Date(now.getTime() - STALE_AFTER_MS),
      limit,
    )) {
      try {
        if ((await this.sync.refresh(inquiry)).changed) changed += 1;
      } catch (error) {
        this.logger.warn(
          { err: error, inquiryId: inquiry.id },
          'Could not ask the vendor about an expired inquiry',
        );
      }
    }
    return changed;
  }
}
