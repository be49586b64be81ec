import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../../scripts/bench/api-process';
import { registerCleanup } from './cleanup';

/**
 * A PostgreSQL cluster of the chaos suite's own (initdb into a temp dir, its own port and socket dir), so
 * that it can be stopped and restarted under load without touching the machine's shared server.
 * As root, every PostgreSQL binary runs as the `postgres` user (the server refuses to run as root).
 */
export class DisposablePostgres {
  private unregister: () => void = () => undefined;

  private constructor(
    private readonly binDir: string,
    private readonly dir: string,
    readonly port: number,
    private readonly runAs: string | null,
  ) {}

  /** Why no cluster can be made here (no binaries), or null when one can. */
  static unavailableReason(): string | null {
    return findBinDir()
      ? null
      : 'no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or PATH';
  }

  static async start(): Promise<DisposablePostgres> {
    const binDir = findBinDir();
    if (!binDir) throw new Error(DisposablePostgres.unavailableReason() ?? 'no PostgreSQL');
    const runAs = process.getuid?.() === 0 ? 'postgres' : null;
    const dir = mkdtempSync(join(tmpdir(), 'monay-chaos-pg-'));
    if (runAs) {
      const { uid, gid } = idsOf(runAs);
      chownSync(dir, uid, gid);
    }
    const cluster = new DisposablePostgres(binDir, dir, await freePort(), runAs);
    const [command, args] = cluster.command('pg_ctl', [
      '-D',
      cluster.dataDir,
      '-m',
      'immediate',
      '-w',
      'stop',
    ]);
    cluster.unregister = registerCleanup(`PostgreSQL in ${dir}`, [
      { run: { command, args } },
      { removeDir: dir },
    ]);
    const init = await cluster.run('initdb', [
      '-D',
      cluster.dataDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    if (init.code !== 0) {
      await cluster.destroy();
      throw new Error(`initdb failed (${init.code}): ${init.output}`);
    }
    await cluster.start();
    await cluster.query('postgres', 'CREATE DATABASE monay');
    return cluster;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get logFile(): string {
    return join(this.dir, 'postgres.log');
  }

  url(database = 'monay'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Starts (or restarts) the server and waits until it accepts connections. */
  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.dir}`,
      '-c listen_addresses=127.0.0.1',
      // fsync only protects against the machine losing power; a crashed or killed server keeps every commit.
      '-c fsync=off',
      '-c max_connections=200',
      // pg_xact_commit_timestamp(xmin): an audit can tell in which order rows were committed.
      '-c track_commit_timestamp=on',
    ].join(' ');
    const result = await this.run('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      this.logFile,
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
    if (result.code !== 0)
      throw new Error(`pg_ctl start failed (${result.code}): ${result.output}\n${this.logTail()}`);
  }

  /** Stops the server: `fast` (sessions are terminated, a clean shutdown) or `immediate` (a crash; recovery on start). */
  async stop(mode: 'fast' | 'immediate'): Promise<void> {
    const result = await this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    if (result.code !== 0) throw new Error(`pg_ctl stop failed (${result.code}): ${result.output}`);
  }

  /** Read-only (or administrative) SQL on one database of this cluster. */
  async query<T extends Record<string, unknown>>(
    database: string,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    }
    rmSync(this.dir, { recursive: true, force: true });
    this.unregister();
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  private command(binary: string, args: string[]): [string, string[]] {
    const path = join(this.binDir, binary);
    return this.runAs ? ['runuser', ['-u', this.runAs, '--', path, ...args]] : [path, args];
  }

  private run(binary: string, args: string[]): Promise<{ code: number | null; output: string }> {
    const [command, argv] = this.command(binary, args);
    return new Promise((resolve) => {
      // pg_ctl's server inherits stdout/stderr unless they are files: keep them off our pipes.
      const child = spawn(command, argv, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', (error) => resolve({ code: null, output: error.message }));
      child.on('close', (code) => resolve({ code, output: output.trim() }));
    });
  }
}

function findBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  const candidates: string[] = [];
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(root, version, 'bin')));
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) ?? null;
}

function idsOf(user: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid))
    throw new Error(`no system user ${user} to run PostgreSQL as`);
  return { uid, gid };
}
