import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startApi, tail, type ApiProcess } from '../../../scripts/bench/api-process';
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
  /** Start a Redis of its own (jobs, rate limits, socket fan-out) and a worker process. */
  redis: boolean;
  /** Extra variables for the API and worker processes. */
  env?: Record<string, string>;
}

/**
 * The production topology on disposable servers: a PostgreSQL cluster and a redis-server of the suite's own,
 * the built API (`node dist/apps/api/src/main.js`, started like `npm run bench` starts it) and, with Redis, a
 * worker process (`node dist/apps/worker/src/main.js`) running the jobs. Each piece can be killed and started again.
 */
export class ChaosSystem {
  private api: ApiProcess | undefined;
  private worker: ChildProcess | undefined;
  private unregisterApi: () => void = () => undefined;
  private unregisterWorker: () => void = () => undefined;
  private apiStarts = 0;
  private workerStarts = 0;
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
      await system.startApi();
      if (redis) await system.startWorker();
    } catch (error) {
      await system.close();
      throw error;
    }
    return system;
  }

  get baseUrl(): string {
    if (!this.api) throw new Error('the API is not running');
    return this.api.baseUrl;
  }

  get apiPid(): number | undefined {
    return this.api?.pid;
  }

  /** True while the API process started last is alive. */
  apiAlive(): boolean {
    return isAlive(this.api?.pid);
  }

  workerAlive(): boolean {
    return this.worker !== undefined && this.worker.exitCode === null && this.worker.signalCode === null;
  }

  /** Starts an API process (a new port each time, as a replacement instance behind a load balancer). */
  async startApi(): Promise<void> {
    this.apiStarts += 1;
    const logFile = join(this.workDir, `api-${this.apiStarts}.log`);
    // startApi registers its child only once healthy: until then, a crashed run leaves it to the sweep of stray APIs.
    this.api = await startApi(ROOT, this.env, logFile);
    this.unregisterApi = registerCleanup(`API ${this.api.pid}`, [
      { kill: this.api.pid, match: 'dist/apps/api/src/main.js' },
    ]);
  }

  /** kill -9 of the API process: no shutdown hook runs, in-flight requests and transactions are cut. */
  async killApi(): Promise<void> {
    const api = this.api;
    if (!api) return;
    killNow(api.pid, 'SIGKILL');
    await api.stop();
    this.unregisterApi();
  }

  async startWorker(): Promise<void> {
    this.workerStarts += 1;
    const logFile = join(this.workDir, `worker-${this.workerStarts}.log`);
    const fd = openSync(logFile, 'a');
    const base: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(base)) if (name.startsWith('NODE_') || name in this.env) delete base[name];
    delete base.DATABASE_URL;
    delete base.REDIS_URL;
    const worker = spawn(process.execPath, [join(ROOT, 'dist/apps/worker/src/main.js')], {
      cwd: ROOT,
      env: { ...base, ...this.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.worker = worker;
    const unregister = registerCleanup(`worker ${worker.pid}`, [
      { kill: worker.pid ?? 0, match: 'dist/apps/worker/src/main.js' },
    ]);
    this.unregisterWorker = unregister;
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

  async stopWorker(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const worker = this.worker;
    if (!worker || !this.workerAlive()) return;
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
    const parts: string[] = [];
    for (let i = 1; i <= this.apiStarts; i += 1)
      parts.push(`--- api-${i}.log\n${tail(join(this.workDir, `api-${i}.log`), lines)}`);
    for (let i = 1; i <= this.workerStarts; i += 1)
      parts.push(`--- worker-${i}.log\n${tail(join(this.workDir, `worker-${i}.log`), lines)}`);
    parts.push(`--- postgres.log\n${this.pg.logTail(lines)}`);
    if (this.redis) parts.push(`--- redis.log\n${this.redis.logTail(lines)}`);
    return parts.join('\n');
  }

  /** Lines of the API logs (every start) matching `pattern`. */
  apiLogLines(pattern: RegExp): string[] {
    const lines: string[] = [];
    for (let i = 1; i <= this.apiStarts; i += 1) {
      for (const line of readLog(join(this.workDir, `api-${i}.log`)).split('\n'))
        if (pattern.test(line)) lines.push(line);
    }
    return lines;
  }

  async close(): Promise<void> {
    await this.api?.stop().catch(() => undefined);
    this.unregisterApi();
    await this.stopWorker().catch(() => undefined);
    this.unregisterWorker();
    await this.redis?.destroy().catch(() => undefined);
    await this.pg.destroy().catch(() => undefined);
    rmSync(this.workDir, { recursive: true, force: true });
    this.unregister();
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
