import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BrokenCircuitError } from 'cockatiel';
import { AppConfig } from '#monay/shared';
import { ProviderUnavailableError } from '../domain/providers.errors';
import type { ProviderName, StablecoinProvider } from '../domain/stablecoin-provider.port';
import { ProviderCallGuard, type BreakerState } from './provider-call-guard';
import { DEGRADED_BELOW_PERCENT, ProviderHealthStats, type ProviderCallStats } from './provider-health-stats';
import { ProviderRouter } from './provider-router';

/**
 * - `down`: the breaker is not closed (open, half-open while its trial runs, or isolated): routing leaves the
 *   provider out;
 * - `degraded`: the breaker is closed, but fewer than 95% of the calls in the window were answered, or the
 *   last health probe failed;
 * - `up`: otherwise (including no calls yet).
 */
export type ProviderState = 'up' | 'degraded' | 'down';

export interface ProviderHealthView {
  name: ProviderName;
  state: ProviderState;
  breaker: BreakerState;
  successRate: string | null;
  p95LatencyMs: number | null;
  calls: number;
  lastError: ProviderCallStats['lastError'];
  lastProbeAt: string | null;
  lastProbeOk: boolean | null;
}

export function stateOf(breaker: BreakerState, stats: ProviderCallStats): ProviderState {
  if (breaker !== 'closed') return 'down';
  const lowSuccess = stats.calls > 0 && stats.answered * 100 < DEGRADED_BELOW_PERCENT * stats.calls;
  if (lowSuccess || stats.lastProbeOk === false) return 'degraded';
  return 'up';
}

/**
 * Probes every provider's `health()` each `config.providers.healthProbeMs` (an unref'd interval, from
 * application bootstrap to shutdown, in every process that has the router), through its breaker: a probe is
 * a call like any other, so failing probes open a breaker, and once an open breaker's `halfOpenMs` has passed
 * the next probe is its half-open trial (routing itself never sends a customer's call to an open breaker).
 * A health report that says `ok: false` counts as unavailability.
 */
@Injectable()
export class ProviderHealthMonitor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ProviderHealthMonitor');
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Map<ProviderName, Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly router: ProviderRouter,
    private readonly guard: ProviderCallGuard,
    private readonly stats: ProviderHealthStats,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.probeAll(), this.config.providers.healthProbeMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.allSettled(this.inFlight.values());
  }

  /** One probe of every provider (a provider whose previous probe is still running is left alone). */
  async probeAll(): Promise<void> {
    await Promise.allSettled(this.router.all().map((provider) => this.probe(provider)));
  }

  report(): ProviderHealthView[] {
    return this.router.all().map(({ name }) => {
      const breaker = this.guard.breakerState(name);
      const stats = this.stats.of(name);
      return {
        name,
        state: stateOf(breaker, stats),
        breaker,
        successRate: stats.successRate,
        p95LatencyMs: stats.p95LatencyMs,
        calls: stats.calls,
        lastError: stats.lastError,
        lastProbeAt: stats.lastProbeAt,
        lastProbeOk: stats.lastProbeOk,
      };
    });
  }

  private probe(provider: StablecoinProvider): Promise<void> {
    const running = this.inFlight.get(provider.name);
    if (running) return running;
    const probe = this.guard
      .run({ provider: provider.name, operation: 'health', probe: true }, async () => {
        const report = await provider.health();
        if (!report.ok) {
          throw new ProviderUnavailableError(provider.name, report.detail ?? 'health check failed');
        }
        return report;
      })
      .then(
        () => undefined,
        (error: unknown) => {
          // An open breaker before its half-open time refuses the probe: nothing to do until then.
          if (error instanceof BrokenCircuitError) return;
          this.logger.debug({ provider: provider.name, err: error }, 'Provider health probe failed');
        },
      )
      .finally(() => this.inFlight.delete(provider.name));
    this.inFlight.set(provider.name, probe);
    return probe;
  }
}
