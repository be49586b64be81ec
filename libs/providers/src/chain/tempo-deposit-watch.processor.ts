import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { JobName, JobQueue, OnJob } from '#monay/shared';
import { ON_CHAIN_DEPOSIT_WATCHER } from './on-chain-mode';
import type { DepositWatchReport, TempoDepositWatcher } from './tempo-deposit-watcher';

/**
 * Runs the deposit watcher (on-chain mode only; nothing without TEMPO_RPC_URL), one code path from two
 * triggers, as the provider poller does: the `WatchTempoDeposits` job every minute wherever jobs run, and in
 * processes that serve HTTP a timer every `TEMPO_DEPOSIT_POLL_MS`. Two passes at once are harmless (a log is
 * credited once: its row's primary key), but one process runs one pass at a time.
 */
@Injectable()
export class TempoDepositWatchProcessor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('TempoDeposits');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @Inject(ON_CHAIN_DEPOSIT_WATCHER) private readonly watcher: TempoDepositWatcher | null,
    private readonly jobs: JobQueue,
    @Optional() private readonly http?: HttpAdapterHost,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.watcher) return;
    this.jobs
      .schedule(JobName.WatchTempoDeposits, '* * * * *', {})
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the deposit watch schedule: ${String(error)}`),
      );
    if (this.http?.httpAdapter) {
      this.timer = setInterval(() => this.tick(), this.watcher.pollMs);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** The job's result is stored by the queue as JSON: the block number goes as a string. */
  @OnJob(JobName.WatchTempoDeposits)
  async watch(): Promise<(Omit<DepositWatchReport, 'toBlock'> & { toBlock: string | null }) | null> {
    if (!this.watcher) return null;
    const report = await this.run();
    return { ...report, toBlock: report.toBlock === null ? null : report.toBlock.toString() };
  }

  /** A fresh pass, after the one under way in this process if any (the job and the timer share them). */
  async run(): Promise<DepositWatchReport> {
    const watcher = this.watcher;
    if (!watcher) throw new Error('on-chain mode is off');
    while (this.running) await this.running.catch(() => undefined);
    const pass = watcher.pollOnce().finally(() => {
      this.running = undefined;
    });
    this.running = pass;
    return pass;
  }

  private tick(): void {
    if (this.running || !this.timer) return;
    this.run().catch((error: unknown) => this.logger.error({ err: error }, 'Deposit watch failed'));
  }
}
