import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logIn, onboard, type SeededUser } from '../../scripts/bench/seed';
import { sleep } from '../../scripts/bench/stats';
import { ChaosSystem, ROOT } from './support/chaos-system';
import { call } from './support/http';
import { auditProviderMovements } from './support/provider-audit';
import { movementOf, ProviderLoad, type MovementRequest } from './support/provider-load';
import { scaled, scaledTimeout } from './support/scale';
import { recordSummary, secondsSince, startProgress } from './support/summary';
import { fundedUsers, type ChaosUser } from './support/transfer-load';

const ADMIN_EMAIL = 'chaos-admin@chaos.example.com';
const PROVIDERS = ['tempo', 'circle', 'monay'] as const;
type Mode = 'healthy' | 'degraded' | 'outage' | 'timeout';

/**
 * Whether the providers context serves the sandbox admin route (`PUT /api/admin/providers/:name/mode`): looked
 * up in the source when the suite is collected, so that the scenarios are reported skipped (not passed) where it
 * has not landed; `beforeAll` then checks the running API really answers it.
 */
function providerAdminRouteInSource(): boolean {
  const dir = join(ROOT, 'libs/providers/src');
  const walk = (path: string): boolean =>
    readdirSync(path, { withFileTypes: true }).some((entry) =>
      entry.isDirectory()
        ? walk(join(path, entry.name))
        : entry.name.endsWith('.controller.ts') &&
          /@Controller\(['"]admin\/providers['"]\)/.test(readFileSync(join(path, entry.name), 'utf8')) &&
          /['"]:name\/mode['"]/.test(readFileSync(join(path, entry.name), 'utf8')),
    );
  return existsSync(dir) && walk(dir);
}

const unavailable =
  ChaosSystem.unavailableReason({ redis: true }) ??
  (providerAdminRouteInSource()
    ? null
    : 'the providers context has not landed (no PUT /api/admin/providers/:name/mode controller in libs/providers)');
const describeOrSkip = unavailable ? describe.skip : describe;
if (unavailable)
  process.stderr.write(`\n[chaos] SKIPPED provider scenarios (outage, timeout, flapping): ${unavailable}\n`);

/**
 * Deposits and withdrawals through the sandbox providers while Tempo (first in priority) is in outage, in
 * timeout (it accepts the call but never answers: the router must ask before failing over), in timeout with a
 * late write (the write lands after the router's status query: the movement must stay Tempo's), and flapping
 * between healthy and outage every 200 ms; then every provider down at once (503 PROVIDER_UNAVAILABLE, retried
 * with the same keys once they return). Every acknowledged movement exists once, balances and the ledger agree,
 * each provider's clearing account mirrors its omnibus balance, and no movement is paid twice at the providers.
 */
describeOrSkip('chaos: providers in outage, timeout and flapping lose nothing and pay nothing twice', () => {
  let system: ChaosSystem;
  let admin: SeededUser;
  let users: ChaosUser[];
  const load = new ProviderLoad();
  const phases: Array<{ phase: string; requests: MovementRequest[]; seconds: number }> = [];
  let stopped = false;

  async function setMode(name: string, mode: Mode, extra: { late?: boolean; lateByMs?: number } = {}) {
    const reply = await call(system.baseUrl, 'PUT', `/api/admin/providers/${name}/mode`, {
      token: admin.token,
      body: { mode, ...extra },
    });
    if (!reply.answered || reply.status !== 200) {
      throw new Error(
        `PUT /api/admin/providers/${name}/mode ${mode}: ${reply.answered ? `${reply.status} ${JSON.stringify(reply.body)}` : reply.error}`,
      );
    }
  }

  /** Until every breaker of the API is closed again (the router routes by priority once more). */
  async function untilBreakersClose() {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const reply = await call(system.baseUrl, 'GET', '/api/providers/health', { token: admin.token });
      const providers = reply.answered
        ? (reply.body?.providers as Array<{ name: string; breaker: string }>)
        : undefined;
      if (providers?.every((p) => p.breaker === 'closed')) return;
      if (Date.now() > deadline) throw new Error(`the breakers did not close: ${JSON.stringify(providers)}`);
      await sleep(100);
    }
  }

  async function runPhase(
    phase: string,
    count: number,
    fault: () => Promise<void>,
    heal: () => Promise<void>,
  ) {
    await untilBreakersClose();
    const started = Date.now();
    const requests = load.add(phase, users, count);
    await fault();
    await load.run(requests, { baseUrl: () => system.baseUrl, concurrency: 6, giveUpMs: 30_000 });
    await heal();
    phases.push({ phase, requests, seconds: secondsSince(started) });
  }

  beforeAll(async () => {
    system = await ChaosSystem.start({ name: 'providers', redis: true });
    admin = await onboard(system.baseUrl, ADMIN_EMAIL);
    await system.grantAdmin(ADMIN_EMAIL);
    admin = { ...admin, token: await logIn(system.baseUrl, ADMIN_EMAIL) };
    // The route answers (not 404) once the API serves the providers context.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const probe = await call(system.baseUrl, 'PUT', '/api/admin/providers/tempo/mode', {
        token: admin.token,
        body: { mode: 'healthy' },
      });
      if (probe.answered && probe.status !== 404) break;
      if (Date.now() > deadline)
        throw new Error(
          'PUT /api/admin/providers/tempo/mode answers 404: the providers context is not served',
        );
      await sleep(250);
    }
    for (const name of PROVIDERS) await setMode(name, 'healthy');
    users = await fundedUsers(
      system.baseUrl,
      'providers',
      Array.from({ length: scaled(6) }, () => '1000.00'),
    );
  }, 180_000);

  afterAll(async () => {
    stopped = true;
    load.stop();
    await system?.close();
  });

  it(
    'moves money through Tempo in outage, in timeout, late and flapping, and through a total outage, exactly once',
    async () => {
      const started = Date.now();
      const stopProgress = startProgress('providers', () => JSON.stringify(load.figures()));
      await runPhase(
        'outage',
        scaled(30),
        () => setMode('tempo', 'outage'),
        () => setMode('tempo', 'healthy'),
      );
      await runPhase(
        'timeout',
        scaled(30),
        () => setMode('tempo', 'timeout'),
        () => setMode('tempo', 'healthy'),
      );
      // Tempo's write lands after the call timed out AND after the router asked it for the transaction ("not
      // found"): the movement must stay Tempo's (re-submitted there with the same key) and be paid there once,
      // never also at Circle or Monay.
      await runPhase(
        'late',
        scaled(20),
        () => setMode('tempo', 'timeout', { late: true }),
        () => setMode('tempo', 'healthy'),
      );

      let flapping: Promise<void> = Promise.resolve();
      let flappingOn = false;
      let flips = 0;
      await runPhase(
        'flapping',
        scaled(40),
        async () => {
          flappingOn = true;
          flapping = (async () => {
            while (flappingOn && !stopped) {
              await setMode('tempo', flips % 2 === 0 ? 'outage' : 'healthy');
              flips += 1;
              await sleep(200);
            }
          })();
        },
        async () => {
          flappingOn = false;
          await flapping;
          await setMode('tempo', 'healthy');
        },
      );

      // Every provider down: nothing can be taken (503, nothing charged); the clients retry once they are back.
      await runPhase(
        'all down',
        scaled(10),
        async () => {
          for (const name of PROVIDERS) await setMode(name, 'outage');
          setTimeout(
            () => void Promise.all(PROVIDERS.map((name) => setMode(name, 'healthy'))).catch(() => undefined),
            3_000,
          );
        },
        async () => {
          for (const name of PROVIDERS) await setMode(name, 'healthy');
        },
      );

      await load.settle({ baseUrl: () => system.baseUrl, deadlineMs: 60_000 });
      stopProgress();

      const reconciliation = await call(system.baseUrl, 'POST', '/api/admin/reconciliation/run?wait=true', {
        token: admin.token,
        timeoutMs: 60_000,
      });
      const report = await auditProviderMovements(system, load.requests, users);
      const figures = load.figures();
      const servedBy = (requests: MovementRequest[]) => {
        const counts: Record<string, number> = {};
        for (const request of requests) {
          const key = `${request.kind}:${movementOf(request)?.provider ?? 'none'}`;
          counts[key] = (counts[key] ?? 0) + 1;
        }
        return Object.entries(counts)
          .sort()
          .map(([k, v]) => `${k}=${v}`)
          .join(' ');
      };
      recordSummary({
        scenario: 'providers in outage, timeout, late writes, flapping and all down',
        seconds: secondsSince(started),
        figures: {
          ...Object.fromEntries(
            phases.map((p) => [p.phase, `${p.seconds.toFixed(1)} s (${servedBy(p.requests)})`]),
          ),
          'tempo flips': flips,
          requests: figures.requests,
          'http calls': figures.httpCalls,
          completed: figures.completed,
          'failed or refused': figures.failedOrRefused,
          '202s': figures.answered202,
          '503s': figures.unavailable503,
          retried: figures.retried,
          ...report.figures,
          reconciliation: reconciliation.answered
            ? String(reconciliation.body?.report?.status ?? reconciliation.status)
            : reconciliation.error,
        },
      });
      if (report.problems.length > 0) process.stderr.write(`\n${system.logs()}\n`);

      expect(figures.other5xx).toBe(0);
      expect(report.problems).toEqual([]);
      // The faults were really met: Tempo skipped or timed out, and a total outage refused with 503.
      const skippedTempo = load.requests.filter((r) =>
        r.attempts.some(
          (a) =>
            a.answered &&
            JSON.stringify(a.body).includes('"tempo"') &&
            /skipped/i.test(JSON.stringify(a.body)),
        ),
      );
      expect(skippedTempo.length).toBeGreaterThan(0);
      const allDown = phases.find((p) => p.phase === 'all down')?.requests ?? [];
      expect(
        allDown.some((r) =>
          r.attempts.some(
            (a) => a.status === 503 && a.answered && a.body?.error?.code === 'PROVIDER_UNAVAILABLE',
          ),
        ),
      ).toBe(true);
      expect(reconciliation).toMatchObject({
        answered: true,
        status: 200,
        body: { report: { status: 'ok' } },
      });
    },
    scaledTimeout(240_000),
  );
});
