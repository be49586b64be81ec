import type { BreakerState } from './provider-call-guard';
import { stateOf } from './provider-health-monitor';
import {
  nearestRank,
  ProviderHealthStats,
  WINDOW_CALLS,
  WINDOW_MS,
  type CallOutcome,
  type CallRecord,
} from './provider-health-stats';

function call(outcome: CallOutcome, latencyMs: number, extra: Partial<CallRecord> = {}): CallRecord {
  return {
    provider: 'tempo',
    operation: 'withdraw',
    outcome,
    latencyMs,
    probe: false,
    error:
      outcome === 'success' ? undefined : { code: `E_${outcome}`, message: `${outcome} at ${latencyMs}` },
    ...extra,
  };
}

describe('provider health statistics', () => {
  afterEach(() => jest.useRealTimers());

  it('computes success rate and nearest-rank p95 exactly on a known sequence', () => {
    const stats = new ProviderHealthStats();
    // 20 calls, latencies 10..200 ms out of order; 3 failures, 1 refusal (answered) → 17/20 = 0.85.
    const latencies = [
      70, 10, 200, 40, 130, 90, 20, 180, 60, 110, 150, 30, 190, 80, 120, 50, 170, 100, 140, 160,
    ];
    const outcomes: Record<number, CallOutcome> = {
      40: 'unavailable',
      180: 'timeout',
      60: 'error',
      20: 'refused',
    };
    for (const latency of latencies) stats.record(call(outcomes[latency] ?? 'success', latency));
    expect(stats.of('tempo')).toEqual({
      calls: 20,
      answered: 17,
      successRate: '0.85',
      p95LatencyMs: 190, // rank ⌈0.95 × 20⌉ = 19 of 10, 20, …, 200
      lastError: { code: 'E_error', message: 'error at 60', at: expect.any(String), operation: 'withdraw' }, // the last failure
      lastProbeAt: null,
      lastProbeOk: null,
    });
  });

  it.each([
    [[5], 5],
    [[5, 1], 5],
    [[3, 1, 2], 3],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95],
    [Array.from({ length: 101 }, (_, i) => i + 1), 96],
  ])('nearest-rank p95 of %j is %d', (values, expected) => {
    expect(nearestRank(values, 95)).toBe(expected);
  });

  it('rounds the success rate down, so "1.00" means every call was answered', () => {
    const stats = new ProviderHealthStats();
    for (let i = 0; i < 199; i += 1) stats.record(call('success', 1));
    stats.record(call('unavailable', 1));
    expect(stats.of('tempo').successRate).toBe('0.99');
    const thirds = new ProviderHealthStats();
    for (const outcome of ['success', 'success', 'timeout'] as const) thirds.record(call(outcome, 1));
    expect(thirds.of('tempo').successRate).toBe('0.66');
  });

  it(`keeps only the last ${WINDOW_CALLS} calls`, () => {
    const stats = new ProviderHealthStats();
    for (let i = 0; i < 50; i += 1) stats.record(call('unavailable', 1000));
    for (let i = 0; i < WINDOW_CALLS; i += 1) stats.record(call('success', 5));
    expect(stats.of('tempo')).toMatchObject({ calls: WINDOW_CALLS, successRate: '1.00', p95LatencyMs: 5 });
    // The last error outlives the window.
    expect(stats.of('tempo').lastError).toMatchObject({ code: 'E_unavailable' });
  });

  it('forgets calls older than 5 minutes', () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const stats = new ProviderHealthStats();
    stats.record(call('timeout', 900));
    jest.advanceTimersByTime(WINDOW_MS - 1_000);
    stats.record(call('success', 10));
    expect(stats.of('tempo')).toMatchObject({ calls: 2, successRate: '0.50' });
    jest.advanceTimersByTime(1_001);
    expect(stats.of('tempo')).toMatchObject({ calls: 1, successRate: '1.00', p95LatencyMs: 10 });
    jest.advanceTimersByTime(WINDOW_MS);
    expect(stats.of('tempo')).toMatchObject({ calls: 0, successRate: null, p95LatencyMs: null });
  });

  it('counts probes as calls and remembers the last probe', () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const stats = new ProviderHealthStats();
    stats.record(call('success', 3, { operation: 'health', probe: true }));
    jest.advanceTimersByTime(1_000);
    stats.record(call('unavailable', 4, { operation: 'health', probe: true }));
    jest.advanceTimersByTime(1_000);
    stats.record(call('success', 5));
    expect(stats.of('tempo')).toMatchObject({
      calls: 3,
      lastProbeAt: '2025-01-01T00:00:01.000Z',
      lastProbeOk: false,
      lastError: { operation: 'health', at: '2025-01-01T00:00:01.000Z' },
    });
  });

  it('does not take a refusal for an error', () => {
    const stats = new ProviderHealthStats();
    stats.record(call('refused', 3));
    expect(stats.of('tempo')).toMatchObject({ successRate: '1.00', lastError: null });
  });

  it('keeps providers apart', () => {
    const stats = new ProviderHealthStats();
    stats.record(call('timeout', 3, { provider: 'circle' }));
    expect(stats.of('tempo').calls).toBe(0);
    expect(stats.of('circle').calls).toBe(1);
  });
});

describe('provider state', () => {
  const stats = (answered: number, calls: number, lastProbeOk: boolean | null = null) => ({
    calls,
    answered,
    successRate: null,
    p95LatencyMs: null,
    lastError: null,
    lastProbeAt: null,
    lastProbeOk,
  });

  it.each<[string, BreakerState, ReturnType<typeof stats>, string]>([
    ['no calls yet', 'closed', stats(0, 0), 'up'],
    ['every call answered', 'closed', stats(20, 20), 'up'],
    ['exactly 95% answered', 'closed', stats(19, 20), 'up'],
    ['under 95% answered', 'closed', stats(18, 20), 'degraded'],
    ['a failed last probe', 'closed', stats(20, 21, false), 'degraded'],
    ['an open breaker', 'open', stats(20, 20), 'down'],
    ['a half-open breaker (trial running)', 'half-open', stats(0, 3), 'down'],
    ['an isolated breaker', 'isolated', stats(0, 0), 'down'],
  ])('%s → %s', (_why, breaker, figures, expected) => {
    expect(stateOf(breaker, figures)).toBe(expected);
  });
});
