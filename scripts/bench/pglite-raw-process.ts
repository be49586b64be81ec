import { readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
// The wire server alone, not all of #monay/shared (Nest, TypeORM): this process's memory is PGlite's.
import { openPgliteOnDisk, PgliteWireServer } from '../../libs/shared/src/database/pglite';
import { machineBusySeconds } from './cpu';
import type { PgliteRawLevel, PgliteRawMessage, PgliteRawMode, PgliteRawRequest } from './pglite-raw';
import { checkConsistency, OPENING_BALANCE, SCHEMA, transfer, transferStatements } from './raw-sql';
import { round, summarize, closedLoop } from './stats';

/**
 * The PGlite raw-transfer reference, in a process of its own (scripts/bench/pglite-raw.ts starts it): the raw-SQL
 * transfer of raw-sql.ts on an on-disk PGlite database opened as the embedded default opens it (`openPgliteOnDisk(dataDir)`,
 * no extensions), first called directly (`db.transaction`: BEGIN, the statements, COMMIT, under PGlite's own
 * lock), then through the app's wire server (`PgliteWireServer.start({dataDir})`, a node-postgres Pool in the same
 * process, as TypeORM reaches it in the embedded API). PGlite is one session: concurrency only queues.
 */
const WARM_UP_SECONDS = 1;

function send(message: PgliteRawMessage): void {
  process.send?.(message);
}

const request = (): Promise<PgliteRawRequest> =>
  new Promise((resolve) => process.once('message', (message) => resolve(message as PgliteRawRequest)));

/** The transfer of raw-sql.ts, statement for statement, on PGlite's own API. */
async function directTransfer(db: PGlite, accounts: number): Promise<void> {
  await db.transaction((tx) => transferStatements((sql, params) => tx.query(sql, params), accounts));
}

/** `concurrency` callers of `once` in a loop for `seconds`; the CPU is this process's and the machine's. */
async function level(
  concurrency: number,
  seconds: number,
  once: () => Promise<void>,
): Promise<PgliteRawLevel> {
  const sampler = sampleRss();
  const cpuBefore = { self: process.cpuUsage(), machine: machineBusySeconds() };
  const { latencies, errors, elapsed } = await closedLoop(concurrency, seconds, once);
  clearInterval(sampler);
  const self = process.cpuUsage(cpuBefore.self);
  const processCores = round((self.user + self.system) / 1e6 / elapsed);
  const machineBusyCores = round((machineBusySeconds() - cpuBefore.machine) / elapsed);
  return {
    concurrency,
    transfers: latencies.length,
    errors,
    seconds: round(elapsed),
    tps: Math.round(latencies.length / elapsed),
    latency: summarize(latencies),
    cpu: { processCores, machineBusyCores, otherCores: round(Math.max(0, machineBusyCores - processCores)) },
  };
}

async function ladder(
  mode: 'direct' | 'wire',
  options: PgliteRawRequest,
  connect: (concurrency: number) => Promise<{ once: () => Promise<void>; close: () => Promise<void> }>,
): Promise<PgliteRawLevel[]> {
  const warm = await connect(1);
  await level(1, WARM_UP_SECONDS, warm.once);
  await warm.close();
  const levels: PgliteRawLevel[] = [];
  for (const concurrency of options.concurrency) {
    const client = await connect(concurrency);
    const measured = await level(concurrency, options.seconds, client.once);
    await client.close();
    send({ progress: { mode, level: measured } });
    levels.push(measured);
  }
  return levels;
}

/** A pg Pool of `concurrency` connections to the wire server, every connection open before the clock starts. */
async function poolOf(url: string, concurrency: number): Promise<Pool> {
  const pool = new Pool({ connectionString: url, max: concurrency });
  const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
  for (const client of clients) client.release();
  return pool;
}

function best(levels: PgliteRawLevel[]): PgliteRawMode['best'] {
  const top = levels.reduce((a, b) => (b.tps > a.tps ? b : a));
  return { concurrency: top.concurrency, tps: top.tps };
}

/** VmRSS or VmHWM (the peak since the start) of this process, MB. */
function memoryMb(field: 'VmRSS' | 'VmHWM'): number | null {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Math.round(Number(match[1]) / 102.4) / 10 : null;
}

/** The highest VmRSS seen every 200 ms while levels are measured (initdb's transient peak is not among them). */
let rssUnderLoadMb = 0;
function sampleRss(): NodeJS.Timeout {
  return setInterval(() => (rssUnderLoadMb = Math.max(rssUnderLoadMb, memoryMb('VmRSS') ?? 0)), 200);
}

async function main(): Promise<void> {
  const options = await request();
  rmSync(options.dataDir, { recursive: true, force: true });
  const opened = performance.now();
  let wire = await PgliteWireServer.start({ dataDir: options.dataDir });
  const startupMs = Math.round(performance.now() - opened);
  const setup = new Pool({ connectionString: wire.connectionString(), max: 1 });
  await setup.query(SCHEMA);
  await setup.query('INSERT INTO accounts (id, balance) SELECT g, $2::bigint FROM generate_series(1, $1) g', [
    options.accounts,
    OPENING_BALANCE.toString(),
  ]);
  await setup.query('VACUUM ANALYZE accounts');
  await setup.end();
  await wire.close();

  const db = await openPgliteOnDisk(options.dataDir);
  await db.waitReady;
  const direct = await ladder('direct', options, async () => ({
    once: () => directTransfer(db, options.accounts),
    close: async () => undefined,
  }));
  await db.close();

  wire = await PgliteWireServer.start({ dataDir: options.dataDir });
  const url = wire.connectionString();
  const viaWire = await ladder('wire', options, async (concurrency) => {
    const pool = await poolOf(url, concurrency);
    return { once: () => transfer(pool, options.accounts), close: () => pool.end() };
  });
  const consistency = await checkConsistency(url, options.accounts);
  const version = await wire.db.query<{ version: string }>('SELECT version()');
  await wire.close();
  send({
    result: {
      version: version.rows[0].version,
      accounts: options.accounts,
      dataDir: options.dataDir,
      startupMs,
      warmUpSeconds: WARM_UP_SECONDS,
      direct: { levels: direct, best: best(direct) },
      wire: { levels: viaWire, best: best(viaWire) },
      ...consistency,
      rssUnderLoadMb,
      peakRssMb: memoryMb('VmHWM'),
    },
  });
}

let finished = false;
// The bench that started this process is gone: nobody wants the figures.
process.on('disconnect', () => {
  if (!finished) process.exit(1);
});
main().then(
  () => {
    finished = true;
    process.disconnect?.();
  },
  (error: unknown) => {
    finished = true;
    send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exitCode = 1;
    process.disconnect?.();
  },
);
