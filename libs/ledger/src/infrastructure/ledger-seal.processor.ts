import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { JobName, JobPayloads, JobQueue, OnJob } from '#monay/shared';
import { LedgerSealer, type SealRun } from '../application/ledger-sealer';

/** Every minute (and on demand, `POST /api/admin/ledger/seal`): seals what was committed since the last run. */
@Injectable()
export class LedgerSealProcessor implements OnApplicationBootstrap {
  private readonly logger = new Logger('LedgerSeal');

  constructor(
    private readonly sealer: LedgerSealer,
    private readonly jobs: JobQueue,
  ) {}

  /** Declared in the background: a queue that is down (Redis restarting) must not stop the API starting. */
  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.SealLedger, '* * * * *', { maxBlocks: 50 })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the journal sealing schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.SealLedger)
  seal({ maxBlocks }: JobPayloads[JobName.SealLedger]): Promise<SealRun> {
    return this.sealer.seal({ maxBlocks });
  }
}
