import { Logger } from '@nestjs/common';
import { Money } from '#monay/kernel';
import { loadConfig } from '#monay/shared';
import {
  ProviderRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../domain/providers.errors';
import type { ProviderTransaction } from '../domain/stablecoin-provider.port';
import { ProviderCallGuard } from './provider-call-guard';
import { ProviderHealthMonitor } from './provider-health-monitor';
import { ProviderHealthStats } from './provider-health-stats';
import { ProviderRouter, RESUBMISSIONS_IN_REQUEST } from './provider-router';
import type { RouteRequest } from './routing.types';
import { FakeProvider, never } from './testing/fake-provider';

const CALL_TIMEOUT_MS = 40;
const THRESHOLD = 3;
const HALF_OPEN_MS = 80;

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const REQUEST: RouteRequest = {
  operation: 'transferOut',
  currency: 'USDC',
  amount: Money.parse('25.00', 'USDC'),
  urgency: 'standard',
};

function world(env: NodeJS.ProcessEnv = {}) {
  const config = loadConfig({
    DATA_DIR: ':memory:',
    PROVIDER_CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
    PROVIDER_BREAKER_THRESHOLD: String(THRESHOLD),
    PROVIDER_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS),
    PROVIDER_HEALTH_PROBE_MS: '50',
    ...env,
  });
  const tempo = FakeProvider.of('tempo');
  const circle = FakeProvider.of('circle');
  const monay = FakeProvider.of('monay');
  const stats = new ProviderHealthStats();
  const guard = new ProviderCallGuard(config, stats);
  const router = new ProviderRouter(config, guard, [tempo, circle, monay]);
  const monitor = new ProviderHealthMonitor(config, router, guard, stats);
  let keys = 0;
  /** Routes one transfer out with a fresh idempotency key, the way a money movement does. */
  const transferOut = (request: RouteRequest = REQUEST) => {
    keys += 1;
    const key = `movement-${keys}`;
    return router.execute(request, key, (provider) =>
      provider.transferOut({ idempotencyKey: key, amount: request.amount, to: `0x${'a'.repeat(40)}` }),
    );
  };
  const healthOf = (name: string) => monitor.report().find((provider) => provider.name === name)!;
  return { config, tempo, circle, monay, stats, guard, router, monitor, transferOut, healthOf };
}

const refused = (name: 'tempo' | 'circle' | 'monay') => () =>
  Promise.reject(new ProviderRefusedError(name, 'amount below the minimum'));
const down = (name: 'tempo' | 'circle' | 'monay') => () =>
  Promise.reject(new ProviderUnavailableError(name, 'connection refused'));

describe('ProviderRouter', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  describe('fallback', () => {
    it('uses the first candidate when it accepts', async () => {
      const w = world();
      const outcome = await w.transferOut();
      expect(outcome).toMatchObject({ outcome: 'accepted', provider: 'tempo', skipped: [] });
      expect([w.tempo.calls, w.circle.calls, w.monay.calls]).toEqual([1, 0, 0]);
      expect(warn).not.toHaveBeenCalled();
    });

    it.each([
      ['a refusal', refused('tempo'), 'refused', 'tempo refused the request: amount below the minimum'],
      ['unavailability', down('tempo'), 'unavailable', 'tempo is unavailable: connection refused'],
    ])(
      'falls back after %s, records the skip and logs it with the key',
      async (_what, fail, reason, detail) => {
        const w = world();
        w.tempo.onCall = fail;
        const outcome = await w.transferOut();
        expect(outcome).toMatchObject({
          outcome: 'accepted',
          provider: 'circle',
          value: { provider: 'circle', idempotencyKey: 'movement-1' },
          skipped: [{ provider: 'tempo', reason, detail }],
        });
        expect([w.tempo.calls, w.circle.calls, w.monay.calls]).toEqual([1, 1, 0]);
        expect(warn).toHaveBeenCalledWith(
          expect.objectContaining({ idempotencyKey: 'movement-1', provider: 'tempo', reason }),
          expect.any(String),
        );
      },
    );

    it('keeps the plan’s exclusions in front of the skips it made', async () => {
      const w = world();
      w.tempo.onCall = down('tempo');
      const outcome = await w.transferOut({ ...REQUEST, currency: 'USDT', amount: Money.parse('5', 'USDT') });
      expect(outcome.skipped.map((s) => [s.provider, s.reason])).toEqual([
        ['circle', 'unsupported_currency'],
        ['tempo', 'unavailable'],
      ]);
      expect(outcome).toMatchObject({ outcome: 'accepted', provider: 'monay' });
    });

    it('answers unavailable with every skip when no candidate is left', async () => {
      const w = world();
      w.tempo.onCall = down('tempo');
      w.circle.onCall = refused('circle');
      w.monay.onCall = down('monay');
      const outcome = await w.transferOut();
      expect(outcome.outcome).toBe('unavailable');
      expect(outcome.skipped.map((s) => [s.provider, s.reason])).toEqual([
        ['tempo', 'unavailable'],
        ['circle', 'refused'],
        ['monay', 'unavailable'],
      ]);
      expect(outcome).not.toHaveProperty('provider');
    });

    it('rethrows an error that is not a provider error, without trying anyone else', async () => {
      const w = world();
      w.tempo.onCall = () => Promise.reject(new TypeError('cannot read properties of undefined'));
      await expect(w.transferOut()).rejects.toThrow(TypeError);
      expect([w.circle.calls, w.monay.calls]).toEqual([0, 0]);
    });
  });

  describe('timeouts', () => {
    const found = (provider: FakeProvider) => async (key: string) =>
      ({ ...provider.transaction(key, REQUEST.amount), status: 'completed' }) as ProviderTransaction;

    it.each([
      ['does not answer within the deadline', () => never<ProviderTransaction>()],
      ['reports a timeout itself', () => Promise.reject(new ProviderTimeoutError('tempo', 30))],
    ])(
      'when the provider %s and its status says accepted, returns that transaction and calls no one else',
      async (_what, hang) => {
        const w = world();
        w.tempo.onCall = hang;
        w.tempo.onStatus = found(w.tempo);
        const outcome = await w.transferOut();
        expect(outcome).toMatchObject({
          outcome: 'accepted',
          provider: 'tempo',
          value: { provider: 'tempo', idempotencyKey: 'movement-1', status: 'completed' },
          skipped: [],
        });
        expect(w.tempo.statusCalls).toBe(1);
        expect(w.circle.calls).toBe(0);
        expect(w.monay.calls).toBe(0);
      },
    );

    it('asks for the status, re-submits and asks again, always with the same idempotency key', async () => {
      const w = world();
      const keys: string[] = [];
      w.tempo.onCall = (key) => (keys.push(`call:${key}`), never());
      w.tempo.onStatus = async (key) => (keys.push(`status:${key}`), null);
      await w.transferOut();
      expect(keys).toEqual(['call:movement-1', 'status:movement-1', 'call:movement-1', 'status:movement-1']);
    });

    it('never falls back on "not found" after a timeout: it re-submits there, then stays there (ambiguous)', async () => {
      const w = world();
      w.tempo.onCall = () => never();
      w.tempo.onStatus = async () => null;
      const outcome = await w.transferOut();
      expect(outcome).toMatchObject({ outcome: 'ambiguous', provider: 'tempo', skipped: [] });
      expect([w.tempo.calls, w.circle.calls, w.monay.calls]).toEqual([1 + RESUBMISSIONS_IN_REQUEST, 0, 0]);
    });

    it('takes the transaction a re-submission with the same key answers (the provider made it once)', async () => {
      const w = world();
      w.tempo.onCall = () => never();
      w.tempo.onStatus = async () => null;
      let call = 0;
      w.tempo.onCall = async (key, amount) => {
        call += 1;
        return call === 1 ? never() : w.tempo.transaction(key, amount);
      };
      const outcome = await w.transferOut();
      expect(outcome).toMatchObject({
        outcome: 'accepted',
        provider: 'tempo',
        value: { idempotencyKey: 'movement-1' },
      });
      expect(w.circle.calls).toBe(0);
    });

    it('finds a write that landed late, after the first status query', async () => {
      const w = world();
      w.tempo.onCall = () => never();
      let asked = 0;
      w.tempo.onStatus = async (key) => {
        asked += 1;
        return asked === 1 ? null : ({ ...w.tempo.transaction(key, REQUEST.amount) } as ProviderTransaction);
      };
      const outcome = await w.transferOut();
      expect(outcome).toMatchObject({ outcome: 'accepted', provider: 'tempo' });
      expect(w.circle.calls).toBe(0);
    });

    it('falls back only when the provider definitely refuses the same request after its timeout', async () => {
      const w = world();
      let call = 0;
      w.tempo.onCall = () => {
        call += 1;
        return call === 1 ? never() : refused('tempo')();
      };
      w.tempo.onStatus = async () => null;
      const outcome = await w.transferOut();
      expect(outcome).toMatchObject({
        outcome: 'accepted',
        provider: 'circle',
        skipped: [
          {
            provider: 'tempo',
            reason: 'refused_after_timeout',
            detail: 'tempo refused the request: amount below the minimum',
          },
        ],
      });
    });

    it('re-submits around an open breaker (the provider may have it; only it can answer)', async () => {
      const w = world({ PROVIDER_BREAKER_THRESHOLD: '1' });
      let call = 0;
      w.tempo.onCall = async (key, amount) => {
        call += 1;
        return call === 1 ? never() : w.tempo.transaction(key, amount);
      };
      const outcome = await w.transferOut();
      expect(w.guard.breakerState('tempo')).toBe('open');
      expect(outcome).toMatchObject({ outcome: 'accepted', provider: 'tempo' });
    });

    it.each([
      ['fails', () => Promise.reject(new ProviderUnavailableError('tempo', 'still down'))],
      ['does not answer either', () => never<ProviderTransaction | null>()],
    ])('is ambiguous, and sends it nowhere else, when the status query %s', async (_what, status) => {
      const w = world();
      w.tempo.onCall = () => never();
      w.tempo.onStatus = status;
      const outcome = await w.transferOut();
      expect(outcome).toMatchObject({ outcome: 'ambiguous', provider: 'tempo', skipped: [] });
      expect(w.circle.calls).toBe(0);
      expect(w.monay.calls).toBe(0);
    });
  });

  describe('circuit breakers', () => {
    it(`opens after ${THRESHOLD} consecutive failures, then leaves the provider out`, async () => {
      const w = world();
      w.tempo.onCall = down('tempo');
      for (let i = 1; i < THRESHOLD; i += 1) await w.transferOut();
      expect(w.guard.breakerState('tempo')).toBe('closed');
      await w.transferOut();
      expect(w.guard.breakerState('tempo')).toBe('open');
      expect(w.tempo.calls).toBe(THRESHOLD);

      expect(w.router.plan(REQUEST)).toEqual({
        candidates: ['circle', 'monay'],
        skipped: [{ provider: 'tempo', reason: 'breaker_open', detail: expect.any(String) }],
      });
      const outcome = await w.transferOut();
      expect(outcome).toMatchObject({
        outcome: 'accepted',
        provider: 'circle',
        skipped: [{ provider: 'tempo', reason: 'breaker_open' }],
      });
      expect(w.tempo.calls).toBe(THRESHOLD);
      expect(w.healthOf('tempo')).toMatchObject({ state: 'down', breaker: 'open' });
    });

    it('counts timeouts (status: not found) as failures', async () => {
      const w = world();
      w.tempo.onCall = () => never();
      for (let i = 0; i < THRESHOLD; i += 1) await w.transferOut();
      expect(w.guard.breakerState('tempo')).toBe('open');
    });

    it('never opens on refusals, however many', async () => {
      const w = world();
      w.tempo.onCall = refused('tempo');
      for (let i = 0; i < THRESHOLD * 3; i += 1) await w.transferOut();
      expect(w.guard.breakerState('tempo')).toBe('closed');
      expect(w.tempo.calls).toBe(THRESHOLD * 3);
      expect(w.healthOf('tempo')).toMatchObject({ state: 'up', breaker: 'closed', successRate: '1.00' });
    });

    it('needs consecutive failures: a success in between starts the count again', async () => {
      const w = world();
      w.tempo.onCall = down('tempo');
      for (let i = 1; i < THRESHOLD; i += 1) await w.transferOut();
      w.tempo.onCall = async (key, amount) => w.tempo.transaction(key, amount);
      await w.transferOut();
      w.tempo.onCall = down('tempo');
      for (let i = 1; i < THRESHOLD; i += 1) await w.transferOut();
      expect(w.guard.breakerState('tempo')).toBe('closed');
    });

    async function openTempo(w: ReturnType<typeof world>) {
      w.tempo.onCall = down('tempo');
      w.tempo.onHealth = () => Promise.reject(new ProviderUnavailableError('tempo', 'outage'));
      for (let i = 0; i < THRESHOLD; i += 1) await w.transferOut();
      expect(w.guard.breakerState('tempo')).toBe('open');
    }

    it('closes after a successful probe once halfOpenMs has passed: the probe is the half-open trial', async () => {
      const w = world();
      await openTempo(w);
      w.tempo.onCall = async (key, amount) => w.tempo.transaction(key, amount);
      w.tempo.onHealth = async () => ({ ok: true, latencyMs: 1 });

      await w.monitor.probeAll(); // before halfOpenMs: the breaker refuses the probe
      expect(w.tempo.healthCalls).toBe(0);
      expect(w.guard.breakerState('tempo')).toBe('open');

      await delay(HALF_OPEN_MS + 20);
      expect(w.router.plan(REQUEST).candidates).toEqual(['circle', 'monay']); // still out until a trial
      await w.monitor.probeAll();
      expect(w.tempo.healthCalls).toBe(1);
      expect(w.guard.breakerState('tempo')).toBe('closed');
      expect(w.router.plan(REQUEST).candidates).toEqual(['tempo', 'circle', 'monay']);
      expect(await w.transferOut()).toMatchObject({ outcome: 'accepted', provider: 'tempo' });
      expect(w.healthOf('tempo')).toMatchObject({ breaker: 'closed', lastProbeOk: true });
    });

    it('stays open when the half-open probe fails, including a health report that says not ok', async () => {
      const w = world();
      await openTempo(w);
      w.tempo.onHealth = async () => ({ ok: false, latencyMs: 1, detail: 'chain halted' });
      await delay(HALF_OPEN_MS + 20);
      await w.monitor.probeAll();
      expect(w.tempo.healthCalls).toBe(1);
      expect(w.guard.breakerState('tempo')).toBe('open');
      expect(w.healthOf('tempo')).toMatchObject({
        state: 'down',
        lastProbeOk: false,
        lastError: { code: 'PROVIDER_UNAVAILABLE', message: 'tempo is unavailable: chain halted' },
      });
    });

    it('opens on failing probes alone', async () => {
      const w = world();
      w.circle.onHealth = () => never();
      for (let i = 0; i < THRESHOLD; i += 1) await w.monitor.probeAll();
      expect(w.guard.breakerState('circle')).toBe('open');
      expect(w.guard.breakerState('tempo')).toBe('closed');
      expect(w.healthOf('circle')).toMatchObject({
        state: 'down',
        lastProbeOk: false,
        lastError: { code: 'PROVIDER_TIMEOUT', operation: 'health' },
      });
    });

    it('probes on an unref’d interval from bootstrap until shutdown', async () => {
      const w = world();
      w.monitor.onApplicationBootstrap();
      await delay(180);
      const probed = w.tempo.healthCalls;
      expect(probed).toBeGreaterThanOrEqual(2);
      await w.monitor.beforeApplicationShutdown();
      await delay(120);
      expect(w.tempo.healthCalls).toBe(probed);
    });
  });

  describe('health statistics', () => {
    it('reports calls and success rate exactly for a known sequence of routed calls', async () => {
      const w = world();
      // tempo: 8 accepted, 1 refused (answered), 3 unavailable (failed) → 9 of 12 answered = 0.75
      const script = ['ok', 'ok', 'down', 'ok', 'refuse', 'ok', 'down', 'ok', 'ok', 'down', 'ok', 'ok'];
      for (const step of script) {
        w.tempo.onCall =
          step === 'ok'
            ? async (key, amount) => w.tempo.transaction(key, amount)
            : step === 'refuse'
              ? refused('tempo')
              : down('tempo');
        await w.transferOut();
      }
      expect(w.healthOf('tempo')).toMatchObject({
        name: 'tempo',
        calls: 12,
        successRate: '0.75',
        state: 'degraded',
        breaker: 'closed',
        lastError: { code: 'PROVIDER_UNAVAILABLE', operation: 'transferOut' },
        lastProbeAt: null,
        lastProbeOk: null,
      });
      // circle took the 4 fallbacks
      expect(w.healthOf('circle')).toMatchObject({ calls: 4, successRate: '1.00', state: 'up' });
      expect(w.healthOf('monay')).toMatchObject({ calls: 0, successRate: null, p95LatencyMs: null });
    });

    it('lists every provider in the default priority order', () => {
      const w = world({ PROVIDER_PRIORITY: 'monay,circle,tempo' });
      expect(w.monitor.report().map((p) => p.name)).toEqual(['tempo', 'circle', 'monay']);
    });
  });
});
