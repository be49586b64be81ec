import { Injectable } from '@nestjs/common';
import { AppConfig } from '#monay/shared';
import { SandboxControl } from './sandbox-control';
import { SandboxRandom } from './sandbox-random';
import { SandboxRepository } from './sandbox.repository';
import { SandboxWebhooks } from './sandbox-webhooks';

/** What every sandbox adapter runs on: configuration, its storage, its modes, chance, webhooks. */
@Injectable()
export class SandboxRuntime {
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
}
