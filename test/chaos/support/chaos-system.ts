import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  productionEnvironment,
  productionNodeFlags,
  startApi,
  tail,
  type ApiProcess,
} from '../../../scripts/bench/api-process';
import { sleep } from '../../../scripts/bench/stats';
import { isAlive, killNow, registerCleanup, RUN_MARKER } from './cleanup';
import { DisposablePostgres } from './disposable-postgres';
import { DisposableRedis } from './disposable-redis';

export const ROOT = resolve(__dirname, '../../..');

/** Limits far above anything a scenario reaches: a refusal must come from the fault, never from a limit. */
const NO_LIMITS = {
  perTransaction: '999999999999.00',
  daily: '999999999999.00',
  monthly: '999999999999.00',
  maxPerHour: 100_000_000,
};

export interface ChaosSystemOptions {
  /** Names the temp directory and the logs. */
  name: string;
  /** Start a Redis of its own (jobs, rate limits, socket fan-out) and worker processes. */
  redis: boolean;
  /** API processes side by side on the same PostgreSQL and Redis (behind a load balancer, as in production); 1 by default. */
  apis?: number;
  /** Worker processes (with Redis); 1 by default. */
  workers?: number;
  /** Extra variables for the API and worker processes. */
  env?: Record<string, string>;
}

interface Running<P> {
  process: P;
  unregister: () => void;
}

/**
 * The production topology on disposable servers: a PostgreSQL cluster and a redis-server of the suite's own,
 * the built API (`node dist/apps/api/src/main.js`, started like `npm run bench` starts it) and, with Redis,
 * worker processes (`node dist/apps/worker/src/main.js`) running the jobs; with `apis`/`workers`, several of
 * each. Each piece can be killed and started again. Methods taking `index` act on that API or worker (the
 * first by default).
 */
export class ChaosSystem {
  private readonly apis: Array<Running<ApiProcess> | undefined> = [];
  private readonly workers: Array<Running<ChildProcess> | undefined> = [];
  /** Every log an API or worker of this system wrote, in start order. */
  private readonly logFiles: string[] = [];
  private readonly unregister: () => void;
  readonly env: Record<string, string>;

  private constructor(
    readonly options: ChaosSystemOptions,
    readonly workDir: string,
    readonly pg: DisposablePostgres,
    readonly redis: DisposableRedis | undefined,
  ) {
    this.env = {
      // Lets the suite find (and end) this run's processes even if it dies before it registered them.
      [RUN_MARKER]: process.env.CHAOS_CLEANUP_DIR ?? 'standalone',
      NODE_ENV: 'production',
      DATABASE_URL: pg.url(),
      DATABASE_MIGRATE_ON_START: 'true',
      DATABASE_POOL_SIZE: '10',
      ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: 'chaos' } : {}),
      // Fixed for the life of the system, so access tokens stay valid across API restarts.
      JWT_ACCESS_SECRET: randomBytes(32).toString('base64url'),
      REFRESH_TOKEN_SECRET: randomBytes(32).toString('base64url'),
      TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      PASSWORD_HASH_COST: '10',
      LOG_LEVEL: 'warn',
      THROTTLE_LIMIT: '100000000',
      AUTH_THROTTLE_LIMIT: '100000000',
      LIMIT_TIERS: JSON.stringify({ '1': NO_LIMITS, '2': NO_LIMITS, '3': NO_LIMITS }),
      SHUTDOWN_TIMEOUT_MS: '5000',
      CORS_ORIGINS: 'http://localhost',
      // The sandbox providers at a twentieth of their latency, as in the e2e suites.
      PROVIDER_SANDBOX_LATENCY_SCALE: '0.05',
      PROVIDER_CALL_TIMEOUT_MS: '500',
      PROVIDER_SETTLE_WAIT_MS: '2000',
      PROVIDER_HEALTH_PROBE_MS: '200',
      PROVIDER_BREAKER_HALF_OPEN_MS: '300',
      PROVIDER_POLL_INTERVAL_MS: '200',
      PROVIDER_PENDING_RESOLVE_AFTER_MS: '5000',
      ...options.env,
    };
    this.unregister = registerCleanup(`chaos logs in ${workDir}`, [{ removeDir: workDir }]);
  }

  /** Why this machine cannot run a system (missing server binaries), or null. */
  static unavailableReason(options: Pick<ChaosSystemOptions, 'redis'>): string | null {
    return (
      DisposablePostgres.unavailableReason() ?? (options.redis ? DisposableRedis.unavailableReason() : null)
    );
  }

  static async start(options: ChaosSystemOptions): Promise<ChaosSystem> {
    const workDir = mkdtempSync(join(tmpdir(), `monay-chaos-${options.name}-`));
    const pg = await DisposablePostgres.start();
    let redis: DisposableRedis | undefined;
    try {
      redis = options.redis ? await DisposableRedis.start() : undefined;
    } catch (error) {
      await pg.destroy();
      throw error;
    }
    const system = new ChaosSystem(options, workDir, pg, redis);
    try {
      // The first API migrates the database; the other processes then start side by side on the migrated schema.
      await system.startApi(0);
      const apis = Array.from({ length: (options.apis ?? 1) - 1 }, (_, i) => system.startApi(i + 1));
      const workers = Array.from({ length: redis ? (options.workers ?? 1) : 0 }, (_, i) =>
        system.startWorker(i),
      );
      // Every start settled before a failure closes the system, so that none is left running.
      const failed = (await Promise.allSettled([...apis, ...workers])).find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    } catch (error) {
      await system.close();
      throw error;
    }
    return system;
  }

  /** The base URL of the first API. */
  get baseUrl(): string {
    return this.baseUrlOf(0);
  }

  baseUrlOf(index: number): string {
    const api = this.apis[index];
    if (!api) throw new Error(`API ${index} was never started`);
    return api.process.baseUrl;
  }

  get apiPid(): number | undefined {
    return this.apis[0]?.process.pid;
  }

  /** True while the `index`-th API (the one started last in that place) is alive. */
  apiAlive(index = 0): boolean {
    return isAlive(this.apis[index]?.process.pid);
  }

  workerAlive(index = 0): boolean {
    const worker = this.workers[index]?.process;
    return worker !== undefined && worker.exitCode === null && worker.signalCode === null;
  }

  /** Starts an API process in place `index` (a new port each time, as a replacement instance behind a load balancer). */
  async startApi(index = 0): Promise<void> {
    const logFile = this.nextLog('api', index);
    // startApi registers its child only once healthy: until then, a crashed run leaves it to the sweep of stray APIs.
    const api = await startApi(ROOT, this.env, logFile);
    this.apis[index] = {
      process: api,
      unregister: registerCleanup(`API ${api.pid}`, [{ kill: api.pid, match: 'dist/apps/api/src/main.js' }]),
    };
  }

  /** kill -9 of an API process: no shutdown hook runs, in-flight requests and transactions are cut. */
  async killApi(index = 0): Promise<void> {
    const api = this.apis[index];
    if (!api) return;
    killNow(api.process.pid, 'SIGKILL');
    await api.process.stop();
    api.unregister();
    // The dead API keeps its place: clients still calling its URL get connections refused, as behind a load
    // balancer that has not noticed yet, until a new one is started there.
  }

  async startWorker(index = 0): Promise<void> {
    const logFile = this.nextLog('worker', index);
    const fd = openSync(logFile, 'a');
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(base)) if (name.startsWith('NODE_') || name in this.env) delete base[name];
    delete base.DATABASE_URL;
    delete base.REDIS_URL;
    // With production's node flags (package.json's start:worker) and malloc settings, as startApi starts the API.
    const flags = productionNodeFlags(ROOT, 'start:worker');
    const worker = spawn(process.execPath, [...flags, join(ROOT, 'dist/apps/worker/src/main.js')], {
      cwd: ROOT,
      env: { ...base, ...productionEnvironment(), ...this.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const unregister = registerCleanup(`worker ${worker.pid}`, [
      { kill: worker.pid ?? 0, match: 'dist/apps/worker/src/main.js' },
    ]);
    this.workers[index] = { process: worker, unregister };
    worker.once('exit', unregister);
    const deadline = Date.now() + 60_000;
    while (!readLog(logFile).includes('Monay worker running')) {
      if (worker.exitCode !== null || worker.signalCode !== null) {
        throw new Error(
          `the worker exited at start (${worker.exitCode ?? worker.signalCode}):\n${tail(logFile)}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`the worker did not start within 60 s:\n${tail(logFile)}`);
      await sleep(100);
    }
  }

  /** Stops the `index`-th worker: SIGTERM lets it finish its jobs, SIGKILL cuts them (BullMQ's stall check hands them on). */
  async stopWorker(signal: NodeJS.Signals = 'SIGTERM', index = 0): Promise<void> {
    const worker = this.workers[index]?.process;
    if (!worker || !this.workerAlive(index)) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill(signal);
    const timer = setTimeout(() => worker.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /**
   * `npm run user:grant-admin -- <email>` against this system's database, as an operator does (ADMIN_EMAILS
   * grants nothing to an unverified email). Tokens issued afterwards carry the role.
   */
  async grantAdmin(email: string): Promise<void> {
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(base)) if (name.startsWith('NODE_') || name in this.env) delete base[name];
    delete base.DATABASE_URL;
    delete base.REDIS_URL;
    const child = spawn(process.execPath, [join(ROOT, 'dist/scripts/user-grant-admin.js'), email], {
      cwd: ROOT,
      env: { ...base, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`user:grant-admin ${email} exited ${code}:\n${output}`);
  }

  /** The last lines of every log of this system, for a failure message. */
  logs(lines = 25): string {
    const parts = this.logFiles.map((file) => `--- ${basename(file)}\n${tail(file, lines)}`);
    parts.push(`--- postgres.log\n${this.pg.logTail(lines)}`);
    if (this.redis) parts.push(`--- redis.log\n${this.redis.logTail(lines)}`);
    return parts.join('\n');
  }

  /** Lines of the API logs (every start) matching `pattern`. */
  apiLogLines(pattern: RegExp): string[] {
    return this.logFiles
      .filter((file) => basename(file).startsWith('api-'))
      .flatMap((file) => readLog(file).split('\n'))
      .filter((line) => pattern.test(line));
  }

  async close(): Promise<void> {
    for (const api of this.apis) {
      await api?.process.stop().catch(() => undefined);
      api?.unregister();
    }
    for (let i = 0; i < this.workers.length; i += 1) {
      await this.stopWorker('SIGTERM', i).catch(() => undefined);
      this.workers[i]?.unregister();
    }
    await this.redis?.destroy().catch(() => undefined);
    await this.pg.destroy().catch(() => undefined);
    rmSync(this.workDir, { recursive: true, force: true });
    this.unregister();
  }

  /** The log file of the next start of `kind` in place `index`: api-1.log, api-2.log… (api-b-1.log for place 1). */
  private nextLog(kind: 'api' | 'worker', index: number): string {
    const place = index === 0 ? '' : `${String.fromCharCode(97 + index)}-`;
    const prefix = `${kind}-${place}`;
    const starts = this.logFiles.filter((file) =>
      new RegExp(`^${prefix}\\d+\\.log$`).test(basename(file)),
    ).length;
    const file = join(this.workDir, `${prefix}${starts + 1}.log`);
    this.logFiles.push(file);
    return file;
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
