import { fork } from 'node:child_process';
import { join } from 'node:path';
import { productionEnvironment, productionNodeFlags } from './api-process';
import { fmt, lat, row, times } from './markdown';
import { ratio } from './stats';
import type { RawLevel } from './raw-sql';

/**
 * The embedded default's physical reference (issue 20: "embedded P2P peak / PGlite raw transfer ≥ 0.5×"): the
 * raw-SQL double-entry transfer of raw-sql.ts on PGlite, in a node process of its own (pglite-raw-process.ts) started
 * with the API's production node flags, on an on-disk database opened as the embedded default opens it. Two ways
 * in: PGlite's own API (`db.transaction`), the reference of the ratio; and the app's wire server with a pg Pool,
 * the path TypeORM takes in the embedded API, which adds the wire protocol and its session hand-over.
 */
export interface PgliteRawLevel extends Omit<RawLevel, 'cpu'> {
  /** Cores used on average: the PGlite process (engine and client alike), and the whole machine. */
  cpu: { processCores: number; machineBusyCores: number; otherCores: number };
}

export interface PgliteRawMode {
  levels: PgliteRawLevel[];
  best: { concurrency: number; tps: number };
}

export interface PgliteRawRequest {
  dataDir: string;
  accounts: number;
  concurrency: number[];
  seconds: number;
}

export interface PgliteRawResult {
  version: string;
  accounts: number;
  dataDir: string;
  /** Opening the empty data directory (initdb included) through the wire server. */
  startupMs: number;
  /** Unrecorded seconds at concurrency 1 before each way in. */
  warmUpSeconds: number;
  direct: PgliteRawMode;
  wire: PgliteRawMode;
  /** After both ways in: Σ balances unchanged, Σ entries = 0, no account below zero. */
  consistent: boolean;
  consistencyDetail: string;
  /** The process's highest resident memory (VmRSS every 200 ms) while levels were measured. */
  rssUnderLoadMb: number;
  /** Its peak resident memory since it started (VmHWM), initdb of the empty data directory included. */
  peakRssMb: number | null;
}

export type PgliteRawMessage =
  | { progress: { mode: 'direct' | 'wire'; level: PgliteRawLevel } }
  | { result: PgliteRawResult }
  | { error: string };

export interface PgliteRawSummary {
  /** Best of PGlite's own API: the reference of the embedded default's ratio target. */
  pgliteRawBestTps: number | null;
  pgliteRawBestConcurrency: number | null;
  /** Best through the app's wire server and a pg Pool. */
  pgliteWireBestTps: number | null;
  /** Embedded default P2P peak / PGlite raw best (target ≥ 0.5). */
  embeddedRatioToPgliteRaw: number | null;
  embeddedRatioToPgliteWire: number | null;
}

export const PGLITE_RAW_TARGET = 0.5;

/** Runs the PGlite raw reference in its own process and waits for its figures. */
export function runPgliteRaw(
  root: string,
  request: PgliteRawRequest,
  log: (line: string) => void,
): Promise<PgliteRawResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'pglite-raw-process.js'), [], {
      execArgv: productionNodeFlags(root, 'start'),
      env: { ...process.env, ...productionEnvironment() },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    let settled = false;
    const finish = (error: Error | null, result?: PgliteRawResult) => {
      if (settled) return;
      settled = true;
      process.removeListener('exit', kill);
      if (error || !result) reject(error ?? new Error('the PGlite raw process sent no result'));
      else resolve(result);
    };
    child.on('message', (message: PgliteRawMessage) => {
      if ('progress' in message) {
        const { mode, level } = message.progress;
        log(
          `  PGlite ${mode} c=${level.concurrency}: ${level.tps} transfers/s, p50 ${level.latency.p50Ms} ms, ` +
            `p95 ${level.latency.p95Ms} ms${level.errors ? `, ${level.errors} errors` : ''} ` +
            `[cores: process ${level.cpu.processCores} other ${level.cpu.otherCores}, ${level.cpu.machineBusyCores} busy]`,
        );
      } else if ('result' in message) finish(null, message.result);
      else finish(new Error(`the PGlite raw process failed: ${message.error}`));
    });
    child.once('error', (error) => finish(error));
    child.once('close', (code, signal) =>
      finish(new Error(`the PGlite raw process exited with ${code ?? signal} before its result`)),
    );
    child.send(request);
  });
}

export function pgliteRawSummary(
  raw: PgliteRawResult | null | undefined,
  embeddedPeakRps: number | null | undefined,
): PgliteRawSummary {
  return {
    pgliteRawBestTps: raw?.direct.best.tps ?? null,
    pgliteRawBestConcurrency: raw?.direct.best.concurrency ?? null,
    pgliteWireBestTps: raw?.wire.best.tps ?? null,
    embeddedRatioToPgliteRaw: ratio(embeddedPeakRps, raw?.direct.best.tps),
    embeddedRatioToPgliteWire: ratio(embeddedPeakRps, raw?.wire.best.tps),
  };
}

/** The headline table's row (against the PostgreSQL raw-SQL best, like every other row). */
export function pgliteRawRow(raw: PgliteRawResult | null | undefined, rawBestTps: number | null): string {
  if (!raw)
    return row(['Raw SQL double-entry transfer on PGlite (the embedded reference)', 'skipped', '–', '–']);
  const best = raw.direct.levels.find((l) => l.concurrency === raw.direct.best.concurrency);
  return row([
    `Raw SQL double-entry transfer on PGlite, its own process, \`db.transaction\` (best of ` +
      `c=${raw.direct.levels.map((l) => l.concurrency).join('/')}, at c=${raw.direct.best.concurrency}); through ` +
      `the app's wire server and a pg Pool: ${fmt(raw.wire.best.tps)}/s`,
    `${fmt(raw.direct.best.tps)} transfers/s`,
    lat(best?.latency),
    times(ratio(raw.direct.best.tps, rawBestTps)),
  ]);
}

/** What the embedded default's row adds: its ratio to the PGlite raw transfer and the target. */
export function embeddedToPglite(summary: PgliteRawSummary): string {
  if (summary.embeddedRatioToPgliteRaw == null) return '';
  const met = summary.embeddedRatioToPgliteRaw >= PGLITE_RAW_TARGET;
  return (
    `; ${times(summary.embeddedRatioToPgliteRaw)} of the PGlite raw transfer (target ≥ ${PGLITE_RAW_TARGET}×: ` +
    `${met ? 'met' : '**NOT met**'}), ${times(summary.embeddedRatioToPgliteWire)} of it through the wire server`
  );
}

export function renderPgliteRaw(raw: PgliteRawResult): string[] {
  const lines = [
    "**PGlite raw reference** (the embedded default's): the raw-SQL transfer above, statement for statement, on " +
      `${raw.version.split(' on ')[0]} in a node process of its own (the API's production node flags), data on disk ` +
      `(\`openPgliteOnDisk(dataDir)\`: 32 MB of shared buffers, as the embedded API opens it, no extensions), ${fmt(raw.accounts)} accounts, ` +
      `random pairs, ${raw.warmUpSeconds} s unrecorded at c=1 before each way in. \`direct\`: PGlite's ` +
      '`db.transaction` (BEGIN, the statements, COMMIT under its lock): the reference of the embedded ratio. ' +
      "`wire`: the app's `PgliteWireServer` and a node-postgres Pool of c connections in the same process, the " +
      'path TypeORM takes in the embedded API (its pool is 4). PGlite is one session: more callers only queue. ' +
      `Consistency after both: ${raw.consistent ? 'ok' : 'BROKEN'} — ${raw.consistencyDetail}. Opening the empty ` +
      `data directory (initdb) took ${fmt(raw.startupMs)} ms. Resident memory of the process: at most ` +
      `${fmt(raw.rssUnderLoadMb, 1)} MB while measured (one PGlite database and its client), ` +
      `${fmt(raw.peakRssMb, 1)} MB at its peak (initdb's, transient).`,
    '',
    row([
      'way in',
      'concurrency',
      'transfers/s',
      'p50 / p95 / p99 ms',
      'errors',
      'CPU cores: PGlite process / other / machine busy',
    ]),
    row(['---', '---:', '---:', '---:', '---:', '---']),
  ];
  for (const [name, mode] of [
    ['direct', raw.direct],
    ['wire', raw.wire],
  ] as const) {
    for (const level of mode.levels) {
      lines.push(
        row([
          name,
          `${level.concurrency}${level.concurrency === mode.best.concurrency ? ' (best)' : ''}`,
          fmt(level.tps),
          lat(level.latency),
          String(level.errors),
          `${level.cpu.processCores} / ${level.cpu.otherCores} / ${level.cpu.machineBusyCores}`,
        ]),
      );
    }
  }
  lines.push('');
  return lines;
}
