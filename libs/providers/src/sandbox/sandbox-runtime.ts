import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '#monay/shared';
import { SandboxControl } from './sandbox-control';
import { SandboxRandom } from './sandbox-random';
import { SandboxRepository } from './sandbox.repository';
import { SandboxWebhooks } from './sandbox-webhooks';

/** What every sandbox adapter runs on: configuration, its storage, its modes, chance, webhooks. */
@Injectable()
export class SandboxRuntime implements OnApplicationShutdown {
  private readonly logger = new Logger('Sandbox');
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    readonly config: AppConfig,
    readonly repository: SandboxRepository,
    readonly control: SandboxControl,
    readonly random: SandboxRandom,
    readonly webhooks: SandboxWebhooks,
  ) {}

  /** A simulated duration in real time: `ms` × `providers.latencyScale`. */
  scaled(ms: number): number {
    return ms * this.config.providers.latencyScale;
  }

  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * Runs `work` in `ms`, in the background (a provider's own work that nobody waits for: a late write). A
   * failure is logged; nothing runs once the process is shutting down (the provider "lost" it: the caller never
   * heard of it either, and the poller asks again).
   */
  later(ms: number, what: string, work: () => Promise<unknown>): void {
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.closed) return;
        work().catch((error: unknown) => this.logger.warn(`${what} failed: ${String(error)}`));
      },
      Math.max(0, ms),
    );
    this.timers.add(timer);
  }

  onApplicationShutdown(): void {
    this.close();
  }

  /** Drops every background write still waiting. */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
