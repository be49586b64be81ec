import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { GLIBC_MALLOC_SETTINGS } from '#monay/shared';
import { sleep } from './stats';

/** Every child this benchmark starts, so that it can kill them on any exit, including a crash. */
const children = new Set<ChildProcess>();

function killAll(signal: NodeJS.Signals): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

let installed = false;
export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal} received, stopping the API processes it started`);
      killAll('SIGKILL');
      process.exit(130);
    });
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The app's own variables: never inherited from the shell, only what the benchmark sets. */
const APP_VARIABLES = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'DATABASE_MIGRATE_ON_START',
  'REDIS_URL',
  'REDIS_PREFIX',
  'DATA_DIR',
  'JWT_ACCESS_SECRET',
  'REFRESH_TOKEN_SECRET',
  'TOTP_ENCRYPTION_KEY',
  'ACCESS_TOKEN_TTL_SECONDS',
  'REFRESH_TOKEN_TTL_DAYS',
  'PASSWORD_HASH_COST',
  'CORS_ORIGINS',
  'LOG_LEVEL',
  'THROTTLE_LIMIT',
  'THROTTLE_TTL_SECONDS',
  'AUTH_THROTTLE_LIMIT',
  'RUN_JOBS_IN_PROCESS',
  'OUTBOX_RELAY',
  'OUTBOX_RELAY_LINGER_MS',
  'SHUTDOWN_TIMEOUT_MS',
  'TRANSFER_FEE_P2P',
  'TRANSFER_FEE_BATCH',
  'EURC_USD_PRICE',
  'LIMIT_TIERS',
  'CARD_WEBHOOK_SECRET',
  'NODE_OPTIONS',
];

export interface ApiProcess {
  pid: number;
  baseUrl: string;
  logFile: string;
  startupMs: number;
  stop(): Promise<Exit>;
}

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * The package.json scripts that start an app: `start` is the embedded default (`npm start`, PGlite in the process),
 * `start:prod` the API against PostgreSQL (the Dockerfile's CMD repeats it; a spec keeps them equal) and
 * `start:worker` the worker.
 */
export type StartScript = 'start' | 'start:prod' | 'start:worker';

/** The script that starts `app` as deployed: the API with DATABASE_URL by `start:prod`, without it by `start`. */
export function startScriptOf(app: 'api' | 'worker', env: NodeJS.ProcessEnv): StartScript {
  if (app === 'worker') return 'start:worker';
  return env.DATABASE_URL ? 'start:prod' : 'start';
}

/**
 * The `node` flags a start script (`node`, its flags, the entry) starts its app with, so the bench measures the
 * process as deployed.
 */
export function productionNodeFlags(root: string, script: StartScript): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const command = scripts[script] ?? '';
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json script ${script} is not "node …": ${command}`);
  return words.slice(1, -1);
}

/**
 * The environment an app's process gives itself at start (glibc's malloc settings, `#monay/glibc-malloc`), set
 * when the bench spawns it, so that it does not restart for them.
 */
export function productionEnvironment(): Record<string, string> {
  return { ...GLIBC_MALLOC_SETTINGS };
}

/** A built app's process (`dist/apps/<app>/src/main.js`) with only the benchmark's variables, logging to a file. */
function spawnApp(root: string, app: 'api' | 'worker', env: NodeJS.ProcessEnv, logFile: string) {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of APP_VARIABLES) delete base[name];
  const fd = openSync(logFile, 'a');
  const script = startScriptOf(app, env);
  const child = spawn(
    process.execPath,
    [...productionNodeFlags(root, script), join(root, `dist/apps/${app}/src/main.js`)],
    {
      cwd: root,
      env: { ...base, ...productionEnvironment(), ...env },
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  children.add(child);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  /** SIGTERM, then SIGKILL after 15 s. */
  const stop = async (): Promise<Exit> => {
    if (!running()) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const result = await exited;
    clearTimeout(timer);
    return result;
  };
  return { pid: child.pid ?? -1, running, stop, exitedWith: () => child.exitCode ?? child.signalCode };
}

/** Starts `node dist/apps/api/src/main.js` (the built app, not watch mode) and waits until /api/health is 200. */
export async function startApi(
  root: string,
  env: Record<string, string>,
  logFile: string,
  timeoutMs = 180_000,
): Promise<ApiProcess> {
  const port = await freePort();
  const started = Date.now();
  const app = spawnApp(root, 'api', { ...env, HOST: '127.0.0.1', PORT: String(port) }, logFile);
  const baseUrl = `http://127.0.0.1:${port}`;
  while (Date.now() - started < timeoutMs) {
    if (!app.running()) {
      throw new Error(
        `the API exited during start-up (${app.exitedWith()}); see ${logFile}:\n${tail(logFile)}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.status === 200) {
        return { pid: app.pid, baseUrl, logFile, startupMs: Date.now() - started, stop: app.stop };
      }
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await app.stop();
  throw new Error(`the API did not become healthy within ${timeoutMs} ms; see ${logFile}:\n${tail(logFile)}`);
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Reads VmRSS of a process from /proc every `intervalMs`; windows of the run are read back by time. */
export class RssSampler {
  private readonly samples: Array<{ at: number; kb: number }> = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 200,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      if (match) this.samples.push({ at: Date.now(), kb: Number(match[1]) });
    } catch {
      // the process is gone
    }
  }

  /** Peak RSS in MB over [from, to] (epoch ms), or over every sample. */
  peakMb(from = 0, to = Number.POSITIVE_INFINITY): number | null {
    let peak = -1;
    for (const sample of this.samples)
      if (sample.at >= from && sample.at <= to) peak = Math.max(peak, sample.kb);
    return peak < 0 ? null : Math.round(peak / 102.4) / 10;
  }

  lastMb(): number | null {
    const last = this.samples.at(-1);
    return last ? Math.round(last.kb / 102.4) / 10 : null;
  }

  get count(): number {
    return this.samples.length;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

export interface WorkerProcess {
  pid: number;
  stop(): Promise<Exit>;
}

/**
 * Starts `node dist/apps/worker/src/main.js` (the job processors, as production runs them beside the API when
 * REDIS_URL is set) and waits for its start-up line.
 */
export async function startWorker(
  root: string,
  env: Record<string, string>,
  logFile: string,
  timeoutMs = 120_000,
): Promise<WorkerProcess> {
  // info: the start-up line is how readiness is seen (the worker logs nothing per job at info).
  const worker = spawnApp(root, 'worker', { ...env, LOG_LEVEL: 'info' }, logFile);
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (!worker.running()) {
      throw new Error(
        `the worker exited during start-up (${worker.exitedWith()}); see ${logFile}:\n${tail(logFile)}`,
      );
    }
    if (readFileSync(logFile, 'utf8').includes('Monay worker running'))
      return { pid: worker.pid, stop: worker.stop };
    await sleep(250);
  }
  await worker.stop();
  throw new Error(`the worker did not start within ${timeoutMs} ms; see ${logFile}:\n${tail(logFile)}`);
}
