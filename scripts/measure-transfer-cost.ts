import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort, startApi } from './bench/api-process';
import { cpuSecondsOf, PostgresCpu } from './bench/cpu';
import { postJson, seedUsers } from './bench/seed';
import { mapLimit, round, sleep } from './bench/stats';

/**
 * What one P2P transfer costs, for docs/scaling.md: `npm run build && node dist/scripts/measure-transfer-cost.js`
 * (`TRANSFERS=1000 CONCURRENCY=4 USERS=100`). A scratch PostgreSQL cluster of its own (initdb into a temp dir,
 * pg_stat_statements preloaded, otherwise default settings: fsync and synchronous_commit on), the built API on it
 * (no Redis: the relay and its consumers run in the API, as in every deployment), USERS users onboarded and funded;
 * once the relay is idle the counters are read, TRANSFERS transfers are sent CONCURRENCY at a time, the relay is
 * waited for until the outbox is empty, and the counters are read again:
 * - API CPU: utime + stime of the API process (/proc), which includes the relay and every consumer;
 * - PostgreSQL CPU: every process of the cluster (backends, WAL writer, checkpointer, autovacuum), /proc;
 * - WAL bytes: pg_current_wal_lsn() difference; statements, rows, time and WAL per statement from
 *   pg_stat_statements, split into the request path and the relay's (its statements and its consumers').
 * Then `npm run projections:rebuild` replays the whole journal through the insights projections alone (CPU of that
 * process and of PostgreSQL), the cost of projecting one event without the transfer around it.
 */
const ROOT = resolve(__dirname, '..', '..');
const TRANSFERS = Number(process.env.TRANSFERS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const USERS = Number(process.env.USERS ?? 100);

/** Statements the relay runs (its own and its consumers'), told apart from the request path by their text. */
const RELAY_STATEMENT =
  /FOR UPDATE SKIP LOCKED|processed_events|UPDATE outbox SET published_at|INSERT INTO activity|portfolio_balances|analytics_|event_consumer_failures|notifications|balance_monitors|reward|FROM outbox WHERE published_at IS NULL/i;

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))[0];
  return join(root, version, 'bin');
}

function run(binary: string, args: string[]): void {
  const path = join(postgresBin(), binary);
  const asRoot = process.getuid?.() === 0;
  const result = spawnSync(
    asRoot ? 'runuser' : path,
    asRoot ? ['-u', 'postgres', '--', path, ...args] : args,
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) throw new Error(`${binary} failed: ${result.stdout}${result.stderr}`);
}

async function sql<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as T[];
  } finally {
    await client.end();
  }
}

interface Snapshot {
  api: number;
  lsn: string;
}

interface StatementRow {
  query: string;
  calls: string;
  rows: string;
  ms: number;
  wal: string;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'monay-cost-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  const server = `postgres://postgres@127.0.0.1:${port}`;
  const url = `${server}/monay`;
  let stopApi: (() => Promise<unknown>) | undefined;
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
    run('pg_ctl', [
      '-D',
      data,
      '-l',
      join(dir, 'postgres.log'),
      '-w',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c max_connections=100`,
      'start',
    ]);
    await sql(`${server}/postgres`, 'CREATE DATABASE monay');
    await sql(url, 'CREATE EXTENSION pg_stat_statements');

    const api = await startApi(
      ROOT,
      {
        DATABASE_URL: url,
        DATABASE_MIGRATE_ON_START: 'true',
        DATABASE_POOL_SIZE: '10',
        DATA_DIR: join(dir, 'api-data'),
        LOG_LEVEL: 'warn',
        PASSWORD_HASH_COST: '10',
        THROTTLE_LIMIT: '100000000',
        AUTH_THROTTLE_LIMIT: '100000000',
        JWT_ACCESS_SECRET: randomBytes(32).toString('base64url'),
        REFRESH_TOKEN_SECRET: randomBytes(32).toString('base64url'),
        TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        ACCESS_TOKEN_TTL_SECONDS: '3600',
      },
      join(dir, 'api.log'),
    );
    stopApi = api.stop;
    const { users } = await seedUsers(api.baseUrl, {
      count: USERS,
      prefix: `cost.${Date.now()}`,
      amount: '1000.00',
      concurrency: 4,
    });
    const relayIdle = async () => {
      for (;;) {
        const [{ n }] = await sql<{ n: number }>(
          url,
          'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
        );
        if (n === 0) return;
        await sleep(50);
      }
    };
    await relayIdle();
    await sleep(2_000); // the seeding's background work (sealing, autovacuum) out of the window

    const snapshot = async (): Promise<Snapshot> => ({
      api: cpuSecondsOf(api.pid) ?? 0,
      lsn: (await sql<{ lsn: string }>(url, 'SELECT pg_current_wal_lsn()::text AS lsn'))[0].lsn,
    });
    await sql(url, 'SELECT pg_stat_statements_reset()');
    const pgCpu = await PostgresCpu.start(server, 'monay');
    const before = await snapshot();
    const started = Date.now();
    const statuses = await mapLimit(
      Array.from({ length: TRANSFERS }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const sender = users[i % users.length];
        const recipient = users[(i + 1 + (i % (users.length - 1))) % users.length];
        const reply = await postJson(
          api.baseUrl,
          '/api/p2p-transfer/send',
          { to: recipient.id, amount: '0.01', currency: 'USDC' },
          { Authorization: `Bearer ${sender.token}`, 'Idempotency-Key': randomUUID() },
        );
        return reply.status;
      },
    );
    const answeredMs = Date.now() - started;
    await relayIdle();
    const after = await snapshot();
    const postgresSeconds = await pgCpu.stop();
    const [{ wal }] = await sql<{ wal: string }>(
      url,
      'SELECT pg_wal_lsn_diff($1::pg_lsn, $2::pg_lsn)::bigint::text AS wal',
      [after.lsn, before.lsn],
    );
    const statements = await sql<StatementRow>(
      url,
      `SELECT query, calls::text, rows::text, total_exec_time AS ms, wal_bytes::text AS wal
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'monay')
          AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE '%pg_current_wal_lsn%'
          AND query NOT LIKE '%pg_stat_activity%'
        ORDER BY calls DESC`,
    );
    const [{ events }] = await sql<{ events: number }>(
      url,
      `SELECT count(*)::int AS events FROM outbox WHERE occurred_at >= to_timestamp($1 / 1000.0)`,
      [started],
    );
    const ok = statuses.filter((status) => status === 201).length;
    const part = (relay: boolean) => {
      const rows = statements.filter((row) => RELAY_STATEMENT.test(row.query) === relay);
      const sum = (f: (row: StatementRow) => number) => rows.reduce((total, row) => total + f(row), 0);
      return {
        statements: sum((row) => Number(row.calls)),
        execMs: round(sum((row) => row.ms)),
        walBytes: sum((row) => Number(row.wal)),
        top: rows.slice(0, 25).map((row) => ({
          calls: Number(row.calls),
          perTransfer: round(Number(row.calls) / ok, 2),
          meanMs: round(row.ms / Number(row.calls), 3),
          walPerCall: round(Number(row.wal) / Number(row.calls), 0),
          query: row.query.replace(/\s+/g, ' ').slice(0, 140),
        })),
      };
    };
    const requestPath = part(false);
    const relay = part(true);

    // The projections alone: the whole journal replayed by the insights projections (no transfer around them).
    await stopApi();
    stopApi = undefined;
    const rebuildCpu = await PostgresCpu.start(server, 'monay');
    const rebuildStarted = Date.now();
    const rebuildEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' };
    delete rebuildEnv.REDIS_URL;
    // bash's `time` reports the child's user and system CPU seconds on stderr's last line.
    const rebuild = spawnSync(
      'bash',
      ['-c', `TIMEFORMAT='cpu %3U %3S'; time "${process.execPath}" dist/scripts/projections-rebuild.js`],
      { cwd: ROOT, env: rebuildEnv, encoding: 'utf8' },
    );
    const rebuildPostgres = await rebuildCpu.stop();
    const [{ journal }] = await sql<{ journal: number }>(url, 'SELECT count(*)::int AS journal FROM outbox');
    const replayed = rebuild.stdout.match(/replayed (\d+) events in (\d+) ms/);
    const cpu = rebuild.stderr.match(/cpu ([\d.]+) ([\d.]+)/);
    const rebuildNodeMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN;

    const perTransfer = (value: number) => round(value / ok, 3);
    console.log(
      JSON.stringify(
        {
          transfers: TRANSFERS,
          acknowledged: ok,
          concurrency: CONCURRENCY,
          users: USERS,
          seconds: round(answeredMs / 1000, 1),
          eventsWritten: events,
          perTransfer: {
            apiCpuMs: perTransfer((after.api - before.api) * 1000),
            postgresCpuMs: perTransfer(postgresSeconds * 1000),
            walBytes: perTransfer(Number(wal)),
            requestPathStatements: perTransfer(requestPath.statements),
            requestPathExecMs: perTransfer(requestPath.execMs),
            requestPathWalBytes: perTransfer(requestPath.walBytes),
            relayStatements: perTransfer(relay.statements),
            relayExecMs: perTransfer(relay.execMs),
            relayWalBytes: perTransfer(relay.walBytes),
          },
          projectionsRebuild: {
            journalEvents: journal,
            replayed: replayed ? { events: Number(replayed[1]), ms: Number(replayed[2]) } : null,
            wallMs: Date.now() - rebuildStarted,
            nodeCpuMs: rebuildNodeMs,
            nodeCpuMsPerEvent: round(rebuildNodeMs / journal, 3),
            postgresCpuMsPerEvent: round((rebuildPostgres * 1000) / journal, 3),
            exit: rebuild.status,
            output: `${rebuild.stdout}${rebuild.stderr}`.slice(-500),
          },
          requestPathStatements: requestPath.top,
          relayStatements: relay.top,
        },
        null,
        2,
      ),
    );
  } finally {
    await stopApi?.();
    if (existsSync(join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('measure-transfer-cost failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
