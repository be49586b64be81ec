import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AppConfig, JobName, JobQueue, OnJob, type JobPayloads } from '#monay/shared';
import { MovementPoller, type PollReport } from './movement-poller';

const BATCH = 100;

/**
 * Runs the provider status poller, one code path ({@link MovementPoller.pollOnce}) from two triggers:
 *
 * - the `PollProviderTransactions` job, scheduled every minute (cron), wherever the job processors run
 *   (apps/worker with Redis, the API in the embedded default): the durable sweeper that works even when no
 *   API process is up;
 * - in processes that serve HTTP (the ones that route money), a timer every `pollIntervalMs`, so that a
 *   movement answered 202 settles within seconds even if its webhook never comes.
 *
 * Both may run at the same moment, in as many processes as there are: a poll claims its movements with
 * SKIP LOCKED and a lease, and settling a movement is guarded (once only), so they never collide.
 */
@Injectable()
export class ProviderPollProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ProviderPoller');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly poller: MovementPoller,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
    @Optional() private readonly http?: HttpAdapterHost,
  ) {}

  /** Declared in the background: a queue that is down (Redis restarting) must not stop the process starting. */
  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.PollProviderTransactions, '* * * * *', { limit: BATCH })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the provider poll schedule: ${String(error)}`),
      );
    if (this.http?.httpAdapter) {
      this.timer = setInterval(() => this.tick(), this.config.providers.pollIntervalMs);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  @OnJob(JobName.PollProviderTransactions)
  poll({ limit }: JobPayloads[JobName.PollProviderTransactions]): Promise<PollReport> {
    return this.poller.pollOnce(limit);
  }

  /** One poll at a time per process: a slow one is not piled on. */
  private tick(): void {
    if (this.running || !this.timer) return;
    this.running = this.poller
      .pollOnce(BATCH)
      .catch((error: unknown) => this.logger.error({ err: error }, 'Provider poll failed'))
      .finally(() => {
        this.running = undefined;
      });
  }
}
