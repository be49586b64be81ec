import { Injectable, Optional } from '@nestjs/common';
import type { ProviderName } from '../domain/stablecoin-provider.port';
import { ProviderCallMetrics } from './provider-call-metrics';

/**
 * How one provider call ended: `success`; `refused` (the provider answered no on the merits, like a 4xx);
 * `unavailable` / `timeout` (the provider failed: these feed the breaker); `error` (anything else: a bug).
 */
export type CallOutcome = 'success' | 'refused' | 'unavailable' | 'timeout' | 'error';

export interface CallRecord {
  provider: ProviderName;
  /** The routed operation, `status` for a status query after a timeout, `health` for a probe. */
  operation: string;
  outcome: CallOutcome;
  latencyMs: number;
  /** A health probe rather than a customer's call. */
  probe: boolean;
  error?: { code: string; message: string };
}

export interface ProviderCallStats {
  /** Calls in the window (probes included). */
  calls: number;
  /** Calls the provider answered (success or refusal). */
  answered: number;
  /**
   * Share of calls answered, a decimal string with 2 decimals rounded DOWN (so "1.00" means every call was
   * answered), or null when the window is empty.
   */
  successRate: string | null;
  /** 95th percentile latency, nearest-rank over the window, in ms; null when the window is empty. */
  p95LatencyMs: number | null;
  lastError: { code: string; message: string; at: string; operation: string } | null;
  lastProbeAt: string | null;
  lastProbeOk: boolean | null;
}

interface Entry extends CallRecord {
  at: number;
}

/** The rolling window: the last WINDOW_CALLS calls, and none older than WINDOW_MS. */
export const WINDOW_CALLS = 200;
export const WINDOW_MS = 5 * 60_000;

/** 95 in hundredths: the success rate below which a provider with a closed breaker is `degraded`. */
export const DEGRADED_BELOW_PERCENT = 95;

/**
 * Per-provider health statistics of this process, over a rolling window of call outcomes and latencies
 * (customer calls and health probes alike). The last error and the last probe are remembered even once
 * they leave the window. Latencies also go to Prometheus when this process exposes metrics.
 */
@Injectable()
export class ProviderHealthStats {
  private readonly windows = new Map<ProviderName, Entry[]>();
  private readonly lastErrors = new Map<ProviderName, NonNullable<ProviderCallStats['lastError']>>();
  private readonly lastProbes = new Map<ProviderName, { at: number; ok: boolean }>();

  constructor(@Optional() private readonly metrics?: ProviderCallMetrics) {}

  record(call: CallRecord): void {
    const at = Date.now();
    const window = this.windows.get(call.provider) ?? [];
    window.push({ ...call, at });
    this.windows.set(call.provider, window);
    this.evict(window, at);
    if (call.outcome !== 'success' && call.outcome !== 'refused' && call.error) {
      this.lastErrors.set(call.provider, {
        ...call.error,
        at: new Date(at).toISOString(),
        operation: call.operation,
      });
    }
    if (call.probe) this.lastProbes.set(call.provider, { at, ok: call.outcome === 'success' });
    this.metrics?.observe(call);
  }

  of(provider: ProviderName): ProviderCallStats {
    const window = this.windows.get(provider) ?? [];
    this.evict(window, Date.now());
    const calls = window.length;
    const answered = window.filter((entry) => isAnswered(entry.outcome)).length;
    const probe = this.lastProbes.get(provider);
    return {
      calls,
      answered,
      successRate: calls === 0 ? null : hundredthsToDecimal(Math.floor((answered * 100) / calls)),
      p95LatencyMs: nearestRank(
        window.map((entry) => entry.latencyMs),
        95,
      ),
      lastError: this.lastErrors.get(provider) ?? null,
      lastProbeAt: probe ? new Date(probe.at).toISOString() : null,
      lastProbeOk: probe ? probe.ok : null,
    };
  }

  private evict(window: Entry[], now: number): void {
    const excess = window.length - WINDOW_CALLS;
    if (excess > 0) window.splice(0, excess);
    const stale = window.findIndex((entry) => now - entry.at <= WINDOW_MS);
    window.splice(0, stale === -1 ? window.length : stale);
  }
}

/** A refusal is an answer on the merits (and never opens the breaker): the provider is up. */
export function isAnswered(outcome: CallOutcome): boolean {
  return outcome === 'success' || outcome === 'refused';
}

/** The nearest-rank percentile: the smallest value with at least `percent`% of the values at or below it. */
export function nearestRank(values: readonly number[], percent: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((percent * sorted.length) / 100);
  return sorted[Math.max(rank, 1) - 1];
}

function hundredthsToDecimal(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}
