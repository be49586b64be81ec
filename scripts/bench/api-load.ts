import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { cpuSecondsOf, machineBusySeconds, PostgresCpu } from './cpu';
import type { LoadResult, LoadSpec } from './load-types';
import { round } from './stats';

/** Where the CPU went during one load phase, in cores used on average (2 = this whole 2-core machine). */
export interface CpuSplit {
  apiCores: number | null;
  /** The worker process beside the API (jobs, the outbox relay and its consumers); null when there is none. */
  workerCores?: number | null;
  /** PostgreSQL processes serving the API's database (null in embedded mode: PGlite runs inside the API). */
  postgresCores: number | null;
  /** This benchmark process: the autocannon worker thread plus the orchestrator. */
  loadGeneratorCores: number;
  machineBusyCores: number;
  /** Busy cores nobody above accounts for: other work on the machine, kernel networking. */
  otherCores: number;
}

/** Which PostgreSQL database the API under load uses, to attribute its backends' CPU. */
export interface PostgresScope {
  serverUrl: string;
  database: string;
}

/** What the API itself saw, from its Prometheus /metrics before and after the phase. */
export interface ServerSide {
  /** Requests of the load's route the API finished, and their mean time inside the API. */
  requests: number;
  meanMs: number | null;
  /** Node's event-loop delay (prom-client samples it with a 10 ms timer: about 10 ms means idle). */
  loopDelayP50Ms: number | null;
  loopDelayP99Ms: number | null;
  loopDelayMaxMs: number | null;
}

export type MeasuredLoad = LoadResult & { cpu: CpuSplit; server: ServerSide | null };

type MetricsSnapshot = Map<string, number>;

async function scrapeMetrics(baseUrl: string): Promise<MetricsSnapshot | null> {
  try {
    const response = await fetch(`${baseUrl}/metrics`);
    if (response.status !== 200) return null;
    const snapshot: MetricsSnapshot = new Map();
    for (const line of (await response.text()).split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      snapshot.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
    return snapshot;
  } catch {
    return null;
  }
}

function routeTotal(snapshot: MetricsSnapshot, metric: string, route: string): number {
  let total = 0;
  for (const [key, value] of snapshot) {
    if (key.startsWith(`${metric}{`) && key.includes(`route="`) && key.includes(`${route}"`)) total += value;
  }
  return total;
}

function serverSide(
  before: MetricsSnapshot | null,
  after: MetricsSnapshot | null,
  route: string,
): ServerSide | null {
  if (!before || !after) return null;
  const count =
    routeTotal(after, 'http_request_duration_seconds_count', route) -
    routeTotal(before, 'http_request_duration_seconds_count', route);
  const sum =
    routeTotal(after, 'http_request_duration_seconds_sum', route) -
    routeTotal(before, 'http_request_duration_seconds_sum', route);
  const lag = (name: string) => {
    const value = after.get(name);
    return value === undefined ? null : round(value * 1000);
  };
  return {
    requests: count,
    meanMs: count > 0 ? round((sum / count) * 1000) : null,
    loopDelayP50Ms: lag('nodejs_eventloop_lag_p50_seconds'),
    loopDelayP99Ms: lag('nodejs_eventloop_lag_p99_seconds'),
    loopDelayMaxMs: lag('nodejs_eventloop_lag_max_seconds'),
  };
}

/** The worker process beside the API under load, whose CPU each phase reports apart (null: none runs). */
let workerPid: number | null = null;

/** From now on, load phases count this process's CPU as the worker's (null: no worker). */
export function measureWorker(pid: number | null): void {
  workerPid = pid;
}

/** Runs one autocannon phase in a worker thread and reports it, with the CPU split while it ran. */
export async function runLoad(
  spec: LoadSpec,
  apiPid: number | null,
  postgres: PostgresScope | null,
): Promise<MeasuredLoad> {
  // Scraping also resets the API's event-loop delay histogram, so the next scrape covers this phase only.
  const metricsBefore = await scrapeMetrics(spec.baseUrl);
  const pgCpu = postgres ? await PostgresCpu.start(postgres.serverUrl, postgres.database) : null;
  const before = {
    wall: Date.now(),
    api: apiPid ? cpuSecondsOf(apiPid) : null,
    worker: workerPid ? cpuSecondsOf(workerPid) : null,
    self: process.cpuUsage(),
    machine: machineBusySeconds(),
  };
  const result = await runWorker(spec);
  const wall = (Date.now() - before.wall) / 1000;
  const apiAfter = apiPid ? cpuSecondsOf(apiPid) : null;
  const workerAfter = workerPid ? cpuSecondsOf(workerPid) : null;
  const self = process.cpuUsage(before.self);
  const machine = machineBusySeconds();
  const pgSeconds = pgCpu ? await pgCpu.stop() : null;
  const metricsAfter = await scrapeMetrics(spec.baseUrl);
  const cores = (seconds: number | null) => (seconds === null ? null : round(seconds / wall));
  const apiCores = cores(apiAfter !== null && before.api !== null ? apiAfter - before.api : null);
  const workerCores = cores(
    workerAfter !== null && before.worker !== null ? workerAfter - before.worker : null,
  );
  const postgresCores = cores(pgSeconds);
  const loadGeneratorCores = round((self.user + self.system) / 1e6 / wall);
  const machineBusyCores = round((machine - before.machine) / wall);
  return {
    ...result,
    cpu: {
      apiCores,
      workerCores,
      postgresCores,
      loadGeneratorCores,
      machineBusyCores,
      otherCores: round(
        Math.max(
          0,
          machineBusyCores - (apiCores ?? 0) - (workerCores ?? 0) - (postgresCores ?? 0) - loadGeneratorCores,
        ),
      ),
    },
    server: serverSide(metricsBefore, metricsAfter, spec.path.replace(/^\/api/, '')),
  };
}

function runWorker(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, 'load-worker.js'), { workerData: spec });
    let settled = false;
    worker.once('message', (message: { result?: LoadResult; error?: string }) => {
      settled = true;
      if (!message.result) {
        reject(new Error(`load ${spec.label} failed: ${message.error ?? 'no result'}`));
        return;
      }
      resolve(message.result);
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`load worker for ${spec.label} exited with ${code}`));
    });
  });
}

export function describeLoad(load: MeasuredLoad): string {
  const rate = load.overallRate ? ` at ${load.overallRate}/s target` : '';
  const bad = load.non2xx + load.errors;
  return (
    `${load.label} c=${load.connections}${rate}: ${load.rps} req/s, p50 ${load.latency.p50Ms} ms, ` +
    `p95 ${load.latency.p95Ms} ms, p99 ${load.latency.p99Ms} ms` +
    (load.server?.meanMs != null
      ? `, in-API mean ${load.server.meanMs} ms, loop delay p99 ${load.server.loopDelayP99Ms} ms`
      : '') +
    (bad ? `, ${load.non2xx} non-2xx, ${load.errors} errors (${JSON.stringify(load.statusCounts)})` : '') +
    ` [cores: api ${load.cpu.apiCores ?? '?'}` +
    (load.cpu.workerCores != null ? ` worker ${load.cpu.workerCores}` : '') +
    ` pg ${load.cpu.postgresCores ?? '-'} gen ${load.cpu.loadGeneratorCores} ` +
    `other ${load.cpu.otherCores}, ${load.cpu.machineBusyCores} busy]`
  );
}
