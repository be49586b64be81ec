import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the chaos suite starts (API and worker processes, PostgreSQL clusters, Redis servers, temp
 * directories) is registered here with how to undo it: a file per registration in a directory the global
 * setup creates. The normal path undoes each in `afterAll` and unregisters it; whatever is left when the run
 * ends (a failed start, a crash, Ctrl-C, CI's `timeout`) is undone by the global teardown or by the exit and
 * signal handlers the global setup installs on the real process (a test file's `process` is Jest's copy,
 * whose handlers never run), or at the start of the next run if this one was killed outright.
 */
export type CleanupAction =
  /** SIGKILL to `pid`, only if its command line still contains `match` (never a recycled pid). */
  { kill: number; match: string } | { run: { command: string; args: string[] } } | { removeDir: string };

const REGISTRY_PREFIX = 'monay-chaos-cleanup-';
let counter = 0;

function registryDir(): string {
  let dir = process.env.CHAOS_CLEANUP_DIR;
  if (!dir) {
    // Run outside the chaos project's global setup: still leave a trail the next run can undo.
    dir = join(tmpdir(), `${REGISTRY_PREFIX}${process.pid}-standalone`);
    process.env.CHAOS_CLEANUP_DIR = dir;
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Registers how to undo something; returns the function that unregisters it once it was undone normally. */
export function registerCleanup(name: string, actions: CleanupAction[]): () => void {
  counter += 1;
  const file = join(registryDir(), `${Date.now()}-${process.pid}-${String(counter).padStart(6, '0')}.json`);
  writeFileSync(file, JSON.stringify({ name, actions }));
  return () => rmSync(file, { force: true });
}

/** Undoes every registration left in `dir`, newest first, synchronously (it may run inside an exit handler). */
export function runLeftoverCleanups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const undone: string[] = [];
  for (const entry of readdirSync(dir).sort().reverse()) {
    const file = join(dir, entry);
    try {
      const { name, actions } = JSON.parse(readFileSync(file, 'utf8')) as {
        name: string;
        actions: CleanupAction[];
      };
      for (const action of actions) {
        try {
          if ('kill' in action) {
            if (commandLineOf(action.kill).includes(action.match)) process.kill(action.kill, 'SIGKILL');
          } else if ('run' in action)
            spawnSync(action.run.command, action.run.args, { stdio: 'ignore', timeout: 30_000 });
          else rmSync(action.removeDir, { recursive: true, force: true });
        } catch {
          // already gone; the other actions must still run
        }
      }
      undone.push(name);
    } catch {
      // a half-written file: nothing to undo
    }
    rmSync(file, { force: true });
  }
  return undone;
}

/** Registries of earlier runs whose process is gone (killed outright): undone and removed. */
export function sweepAbandonedRegistries(): string[] {
  const undone: string[] = [];
  for (const entry of readdirSync(tmpdir())) {
    const match = new RegExp(`^${REGISTRY_PREFIX}(\\d+)-`).exec(entry);
    if (!match || isAlive(Number(match[1]))) continue;
    const dir = join(tmpdir(), entry);
    killMarkedProcesses(dir);
    undone.push(...runLeftoverCleanups(dir));
    rmSync(dir, { recursive: true, force: true });
  }
  return undone;
}

export function newRegistryDir(): string {
  const dir = join(tmpdir(), `${REGISTRY_PREFIX}${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Kills a process without waiting. */
export function killNow(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid || pid <= 0) return;
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The variable every API and worker process of a run carries, naming the run's registry. */
export const RUN_MARKER = 'MONAY_CHAOS_RUN';

/** SIGKILLs every process whose environment carries `RUN_MARKER=<registry>` (one that crashed mid-start, say). */
export function killMarkedProcesses(registry: string): number {
  const needle = `${RUN_MARKER}=${registry}\0`;
  let killed = 0;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return 0;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').includes(needle)) {
        process.kill(Number(pid), 'SIGKILL');
        killed += 1;
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return killed;
}
