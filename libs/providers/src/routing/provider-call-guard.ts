import { Injectable } from '@nestjs/common';
import {
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  handleType,
} from 'cockatiel';
import { DomainError } from '#monay/kernel';
import { AppConfig } from '#monay/shared';
import {
  ProviderRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../domain/providers.errors';
import type { ProviderName } from '../domain/stablecoin-provider.port';
import { ProviderHealthStats, type CallOutcome } from './provider-health-stats';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

const BREAKER_STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

export interface GuardedCall {
  provider: ProviderName;
  /** For statistics and metrics: the routed operation, `status` or `health`. */
  operation: string;
  probe?: boolean;
  /**
   * Through the provider's breaker (default). The status query after a timeout goes around it: it must be
   * asked even when that very timeout just opened the breaker, and its failure is already ambiguous.
   */
  breaker?: boolean;
}

/**
 * Where every provider call goes through: one circuit breaker per provider (cockatiel, ConsecutiveBreaker
 * of `config.providers.breaker.threshold`, half-open after `halfOpenMs`) counting unavailability and
 * timeouts — never refusals, an answer on the merits — an overall deadline of `callTimeoutMs` (an answer
 * later than that is a ProviderTimeoutError; the call itself is not cancelled, since the provider may have
 * accepted it), and the health statistics of every call.
 *
 * The breakers live in this process: each API and worker process has its own view of provider health.
 */
@Injectable()
export class ProviderCallGuard {
  private readonly breakers = new Map<ProviderName, CircuitBreakerPolicy>();

  constructor(
    private readonly config: AppConfig,
    private readonly stats: ProviderHealthStats,
  ) {}

  breakerState(provider: ProviderName): BreakerState {
    return BREAKER_STATES[this.breakerOf(provider).state];
  }

  /** Providers routing must leave out: their breaker is open, half-open (a trial is running) or isolated. */
  unavailableBreakers(providers: Iterable<ProviderName>): Set<ProviderName> {
    return new Set([...providers].filter((provider) => this.breakerState(provider) !== 'closed'));
  }

  /**
   * Runs `work` under the deadline, through the provider's breaker unless told otherwise, and records its
   * outcome and latency. Throws what `work` throws, ProviderTimeoutError past the deadline, or cockatiel's
   * BrokenCircuitError when the breaker refuses the call (no call made, nothing recorded).
   */
  async run<T>(call: GuardedCall, work: () => Promise<T>): Promise<T> {
    const timed = async () => {
      const started = performance.now();
      try {
        const value = await withDeadline(work, this.config.providers.callTimeoutMs, call.provider);
        this.record(call, 'success', started);
        return value;
      } catch (error) {
        this.record(call, outcomeOf(error), started, error);
        throw error;
      }
    };
    if (call.breaker === false) return timed();
    return this.breakerOf(call.provider).execute(timed);
  }

  private record(call: GuardedCall, outcome: CallOutcome, started: number, error?: unknown): void {
    this.stats.record({
      provider: call.provider,
      operation: call.operation,
      outcome,
      latencyMs: Math.round(performance.now() - started),
      probe: call.probe ?? false,
      error: error === undefined ? undefined : describe(error),
    });
  }

  private breakerOf(provider: ProviderName): CircuitBreakerPolicy {
    let breaker = this.breakers.get(provider);
    if (!breaker) {
      const { threshold, halfOpenMs } = this.config.providers.breaker;
      breaker = circuitBreaker(handleType(ProviderUnavailableError).orType(ProviderTimeoutError), {
        halfOpenAfter: halfOpenMs,
        breaker: new ConsecutiveBreaker(threshold),
      });
      this.breakers.set(provider, breaker);
    }
    return breaker;
  }
}

/** `work()` or ProviderTimeoutError after `ms`; a late answer is dropped, never cancelled. */
async function withDeadline<T>(work: () => Promise<T>, ms: number, provider: ProviderName): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProviderTimeoutError(provider, ms)), ms);
  });
  try {
    // A synchronous throw in `work` becomes a rejection; a late rejection is absorbed by the race.
    return await Promise.race([Promise.resolve().then(work), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function outcomeOf(error: unknown): CallOutcome {
  if (error instanceof ProviderRefusedError) return 'refused';
  if (error instanceof ProviderUnavailableError) return 'unavailable';
  if (error instanceof ProviderTimeoutError) return 'timeout';
  return 'error';
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: error.name, message: error.message };
  return { code: 'UNKNOWN', message: String(error) };
}
