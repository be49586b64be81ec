import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
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
 * - WAL bytes: pg_current_wal_lsn() difference; the database's growth: pg_database_size() difference; statements, time and WAL per statement from pg_stat_statements.
 * Two windows: the transfers with the relay held back (its `processed_events` table locked by another transaction:
 * its first batch waits), so that the first window is the request path alone; then the lock released
 * and the relay alone publishing that backlog to every consumer (in batches of up to 200, cheaper per event than
 * the few-event batches it takes under a steady load); last, with the API stopped, `npm run projections:rebuild`
 * replays the whole journal into the insights projections (history, portfolio, analytics) alone.
 */
const ROOT = resolve(__dirname, '..', '..');
const TRANSFERS = Number(process.env.TRANSFERS ?? 1000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const USERS = Number(process.env.USERS ?? 100);
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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

interface StatementRow {
  query: string;
  calls: string;
  rows: string;
  ms: number;
  plan: number;
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
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on -c max_connections=100`,
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
        // As in production: jobs on Redis, run by workers (none here), not polled by the API.
        REDIS_URL: REDIS,
        REDIS_PREFIX: `monay_cost_${port}`,
        // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the API's time goes.
        ...(process.env.MEASURE_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.MEASURE_API_NODE_OPTIONS } : {}),
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

    /** One measured window: CPU of the API and of the cluster, WAL, and pg_stat_statements, around `work`. */
    const measure = async (work: () => Promise<void>) => {
      await sql(url, 'SELECT pg_stat_statements_reset()');
      const pgCpu = await PostgresCpu.start(server, 'monay');
      const apiBefore = cpuSecondsOf(api.pid) ?? 0;
      const [{ lsn, size }] = await sql<{ lsn: string; size: string }>(
        url,
        `SELECT pg_current_wal_lsn()::text AS lsn, pg_database_size('monay')::text AS size`,
      );
      const started = Date.now();
      await work();
      const ms = Date.now() - started;
      const apiCpuMs = ((cpuSecondsOf(api.pid) ?? 0) - apiBefore) * 1000;
      const postgresCpuMs = (await pgCpu.stop()) * 1000;
      const [{ wal, grown }] = await sql<{ wal: string; grown: string }>(
        url,
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint::text AS wal,
                (pg_database_size('monay') - $2::bigint)::text AS grown`,
        [lsn, size],
      );
      const statements = await sql<StatementRow>(
        url,
        `SELECT query, calls, rows::text, total_exec_time AS ms, total_plan_time AS plan, wal_bytes::text AS wal
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'monay')
            AND query !~* 'pg_stat_statements|pg_current_wal_lsn|pg_stat_activity|published_at IS NULL'
          ORDER BY calls DESC`,
      );
      return { ms, apiCpuMs, postgresCpuMs, walBytes: Number(wal), databaseBytes: Number(grown), statements };
    };
    const summary = (window: Awaited<ReturnType<typeof measure>>, per: number) => ({
      seconds: round(window.ms / 1000, 1),
      apiCpuMs: round(window.apiCpuMs / per, 3),
      postgresCpuMs: round(window.postgresCpuMs / per, 3),
      walBytes: Math.round(window.walBytes / per),
      databaseGrowthBytes: Math.round(window.databaseBytes / per),
      statements: round(window.statements.reduce((n, row) => n + Number(row.calls), 0) / per, 2),
      statementExecMs: round(window.statements.reduce((n, row) => n + row.ms, 0) / per, 3),
      statementPlanMs: round(window.statements.reduce((n, row) => n + row.plan, 0) / per, 3),
      top: window.statements.slice(0, 20).map((row) => ({
        per: round(Number(row.calls) / per, 3),
        meanMs: round(row.ms / Number(row.calls), 3),
        planMs: round(row.plan / Number(row.calls), 3),
        walPerCall: Math.round(Number(row.wal) / Number(row.calls)),
        query: row.query.replace(/\s+/g, ' ').slice(0, 150),
      })),
    });

    // 1. The request path alone: the relay is held back (a transaction holds its bookkeeping table locked, so the
    // relay's first batch waits on it with its rows locked, and fails nothing), the transfers are sent.
    const holder = new Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE processed_events IN EXCLUSIVE MODE');
    let acknowledged = 0;
    const requests = await measure(async () => {
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
      acknowledged = statuses.filter((status) => status === 201).length;
    });
    const eventsByType = await sql<{ type: string; n: number }>(
      url,
      `SELECT type, count(*)::int AS n FROM outbox WHERE published_at IS NULL GROUP BY 1 ORDER BY 2 DESC`,
    );

    // 2. The relay alone: its table back, it publishes the backlog to every consumer while nothing else runs.
    const [{ now: relayStarted }] = await sql<{ now: Date }>(url, 'SELECT now()');
    const relay = await measure(async () => {
      await holder.query('COMMIT');
      await holder.end();
      await relayIdle();
    });
    // What the relay published: the transfers' events and those its consumers wrote (notifications, rewards).
    const published = await sql<{ type: string; n: number }>(
      url,
      `SELECT type, count(*)::int AS n FROM outbox WHERE published_at >= $1 GROUP BY 1 ORDER BY 2 DESC`,
      [relayStarted],
    );
    const publishedCount = published.reduce((n, row) => n + row.n, 0);

    // 3. The insights projections alone: `npm run projections:rebuild` replays the whole journal into them in one
    // transaction, with the API stopped; it reports the replay's own time.
    await api.stop();
    const rebuildEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' };
    delete rebuildEnv.REDIS_URL;
    const rebuild = spawnSync(
      'bash',
      ['-c', `TIMEFORMAT='cpu %3U %3S'; time "${process.execPath}" dist/scripts/projections-rebuild.js`],
      { cwd: ROOT, env: rebuildEnv, encoding: 'utf8' },
    );
    const [, replayed, replayMs] = (rebuild.stdout.match(/replayed (\d+) events in (\d+) ms/) ?? []).map(
      Number,
    );
    const cpu = rebuild.stderr.match(/cpu ([\d.]+) ([\d.]+)/);
    const rebuildNodeMs = cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN;

    console.log(
      JSON.stringify(
        {
          method: `${TRANSFERS} P2P transfers of 0.01 USDC, ${CONCURRENCY} at a time, between ${USERS} users; then the relay alone`,
          acknowledged,
          written: eventsByType,
          published,
          perTransfer: summary(requests, acknowledged),
          relayPerTransfer: summary(relay, acknowledged),
          relayPerEvent: summary(relay, publishedCount),
          projectionsRebuild:
            rebuild.status === 0
              ? {
                  eventsReplayed: replayed,
                  // Wall time of the replay itself (one transaction; Node and PostgreSQL take turns), per event.
                  replayMsPerEvent: round(replayMs / replayed, 3),
                  // The whole process, booting Nest included.
                  processCpuMs: rebuildNodeMs,
                }
              : { failed: `${rebuild.stdout}${rebuild.stderr}`.slice(-1000) },
        },
        null,
        2,
      ),
    );
  } finally {
    await stopApi?.();
    // The jobs the API queued under its prefix (no worker ran them).
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`monay_cost_${port}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    if (existsSync(join(data, 'postmaster.pid'))) run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('measure-transfer-cost failed:', error instanceof Error ? error.stack : error);
  process.exit(1);
});
