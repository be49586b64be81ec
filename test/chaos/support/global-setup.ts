import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  killMarkedProcesses,
  newRegistryDir,
  runLeftoverCleanups,
  sweepAbandonedRegistries,
} from './cleanup';

const ROOT = resolve(__dirname, '../../..');
const SOURCES = ['apps', 'libs', 'migrations', 'scripts'];
const BUILT = ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js', 'dist/scripts/ledger-verify.js'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // apps/web is the browser console, built by Vite, not by tsc: it never makes dist/ stale.
      if (entry.name !== 'node_modules' && entry.name !== 'fixtures' && path !== join(ROOT, 'apps/web'))
        newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * The fault scenarios run the built API and worker (`node dist/...`, as production does): build once here
 * when dist is missing or older than the sources (tsc is incremental, so this costs seconds).
 */
export default function globalSetup(): void {
  const buildInfo = join(ROOT, 'dist/.tsbuildinfo');
  const builtAt = existsSync(buildInfo) ? statSync(buildInfo).mtimeMs : 0;
  const stale =
    BUILT.some((file) => !existsSync(join(ROOT, file))) ||
    SOURCES.some((dir) => newestSource(join(ROOT, dir)) > builtAt);
  if (stale) {
    process.stdout.write('\n[chaos] dist is older than the sources: npm run build\n');
    const started = Date.now();
    const build = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) {
      if (BUILT.some((file) => !existsSync(join(ROOT, file)))) {
        throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
      }
      // tsc still emits on type errors; the typecheck step reports them. Say so loudly rather than hide it.
      process.stdout.write(
        `[chaos] WARNING: npm run build reported errors; running on what it emitted:\n${build.stdout.slice(0, 2000)}\n`,
      );
    }
    process.stdout.write(`[chaos] built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  process.env.CHAOS_SUMMARY_FILE = join(mkdtempSync(join(tmpdir(), 'monay-chaos-summary-')), 'summary.jsonl');
  process.env.CHAOS_STARTED_AT = String(Date.now());
  installCleanup();
}

/**
 * Servers and processes left by an earlier run that was killed outright are ended now; this run's are ended
 * by the global teardown, or by these handlers on the real process if the run is interrupted.
 */
function installCleanup(): void {
  const abandoned = sweepAbandonedRegistries();
  if (abandoned.length > 0)
    process.stdout.write(`[chaos] cleaned up after an interrupted run: ${abandoned.join(', ')}\n`);
  const registry = newRegistryDir();
  process.env.CHAOS_CLEANUP_DIR = registry;
  const cleanUp = () => {
    killMarkedProcesses(registry);
    runLeftoverCleanups(registry);
    rmSync(registry, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n[chaos] ${signal}: stopping every server and process the suite started\n`);
      cleanUp();
      process.exit(130);
    });
  }
}
