import { appendFileSync } from 'node:fs';

export interface ScenarioSummary {
  scenario: string;
  seconds: number;
  figures: Record<string, number | string>;
  findings?: string[];
}

/**
 * Prints one scenario's figures at once (requests sent, acknowledged, retried, 503s seen, time) and keeps
 * them for the table the global teardown prints at the end of the run.
 */
export function recordSummary(summary: ScenarioSummary): void {
  const figures = Object.entries(summary.figures)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  const lines = [`\n[chaos] ${summary.scenario} (${summary.seconds.toFixed(1)} s): ${figures}`];
  for (const finding of summary.findings ?? []) lines.push(`[chaos]   finding: ${finding}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  const file = process.env.CHAOS_SUMMARY_FILE;
  if (file) appendFileSync(file, `${JSON.stringify(summary)}\n`);
}

export function secondsSince(startedMs: number): number {
  return (Date.now() - startedMs) / 1000;
}

/** With CHAOS_VERBOSE=1, prints `describe()` every `everyMs` until the returned function is called. */
export function startProgress(label: string, describe: () => string, everyMs = 2_000): () => void {
  if (!process.env.CHAOS_VERBOSE) return () => undefined;
  const started = Date.now();
  const timer = setInterval(() => {
    process.stdout.write(`[chaos] ${label} +${secondsSince(started).toFixed(1)} s: ${describe()}\n`);
  }, everyMs);
  return () => clearInterval(timer);
}
