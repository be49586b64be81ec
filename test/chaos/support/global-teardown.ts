import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { killMarkedProcesses, runLeftoverCleanups } from './cleanup';
import type { ScenarioSummary } from './summary';

/** One line per scenario that ran, and the whole suite's time. */
export default function globalTeardown(): void {
  const registry = process.env.CHAOS_CLEANUP_DIR;
  if (registry) {
    const killed = killMarkedProcesses(registry);
    const left = runLeftoverCleanups(registry);
    rmSync(registry, { recursive: true, force: true });
    if (killed + left.length > 0)
      process.stdout.write(
        `\n[chaos] teardown ended what a scenario left running: ${[...left, `${killed} process(es)`].join(', ')}\n`,
      );
  }
  const file = process.env.CHAOS_SUMMARY_FILE;
  if (!file) return;
  const summaries: ScenarioSummary[] = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as ScenarioSummary)
    : [];
  const total = (Date.now() - Number(process.env.CHAOS_STARTED_AT ?? Date.now())) / 1000;
  const lines = [
    '',
    `[chaos] summary (CHAOS_SCALE=${process.env.CHAOS_SCALE ?? '1'}, ${total.toFixed(1)} s in all)`,
  ];
  for (const summary of summaries) {
    const figures = Object.entries(summary.figures)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ');
    lines.push(`  ${summary.scenario} — ${summary.seconds.toFixed(1)} s: ${figures}`);
    for (const finding of summary.findings ?? []) lines.push(`    finding: ${finding}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  rmSync(dirname(file), { recursive: true, force: true });
}
