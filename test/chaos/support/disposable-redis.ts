import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../scripts/bench/api-process';
import { sleep } from '../../../scripts/bench/stats';
import { registerCleanup } from './cleanup';

/**
 * A redis-server of the chaos suite's own, on its own port, so that it can be killed under load without
 * touching the machine's shared Redis. It keeps an append-only file synced on every write, as a production
 * Redis holding BullMQ queues would: killed and started again, it comes back with its jobs.
 */
export class DisposableRedis {
  private child: ChildProcess | undefined;
  private unregisterChild: () => void = () => undefined;
  private readonly unregister: () => void;

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.unregister = registerCleanup(`Redis files in ${dir}`, [{ removeDir: dir }]);
  }

  static unavailableReason(): string | null {
    const found = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
    return found.status === 0 ? null : 'no redis-server binary in PATH';
  }

  static async start(): Promise<DisposableRedis> {
    const redis = new DisposableRedis(mkdtempSync(join(tmpdir(), 'monay-chaos-redis-')), await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const log = openSync(join(this.dir, 'redis.log'), 'a');
    this.child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
        '--protected-mode',
        'no',
        '--loglevel',
        'warning',
      ],
      { stdio: ['ignore', log, log] },
    );
    closeSync(log);
    const pid = this.child.pid ?? 0;
    this.unregisterChild = registerCleanup(`redis-server ${pid}`, [{ kill: pid, match: 'redis-server' }]);
    this.child.once('exit', () => this.unregisterChild());
    const deadline = Date.now() + 15_000;
    while (!(await this.ping())) {
      if (!this.running) throw new Error(`redis-server exited at start:\n${this.logTail()}`);
      if (Date.now() > deadline)
        throw new Error(`redis-server did not answer PING within 15 s:\n${this.logTail()}`);
      await sleep(50);
    }
  }

  /** Kills the server (SIGKILL: a crash, not a shutdown) and waits until it is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
    this.unregister();
  }

  /** PING over a raw socket: true when the server answers +PONG within a second. */
  ping(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1_000, () => done(false));
      socket.once('error', () => done(false));
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    });
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(join(this.dir, 'redis.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }
}
