import { Client } from 'pg';

/** The benchmark's own databases: dropped at the start of the next run, never at the end (inspect them). */
export const BENCH_DATABASES = {
  raw: 'monay_bench_raw',
  pgbench: 'monay_bench_pgbench',
  api: 'monay_bench_api',
  analytics: 'monay_bench_analytics',
  cards: 'monay_bench_cards',
} as const;

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  return `"${name}"`;
}

export async function dropDatabases(serverUrl: string, names: string[]): Promise<void> {
  await withAdmin(serverUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
  });
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdmin(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${ident(name)}`);
  });
}

export interface ServerInfo {
  version: string;
  settings: Record<string, string>;
}

const SETTINGS = [
  'max_connections',
  'shared_buffers',
  'synchronous_commit',
  'fsync',
  'wal_level',
  'max_wal_size',
  'checkpoint_timeout',
  'autovacuum',
];

export async function serverInfo(serverUrl: string): Promise<ServerInfo> {
  return withAdmin(serverUrl, async (client) => {
    const version = await client.query<{ version: string }>('SELECT version()');
    const settings = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)',
      [SETTINGS],
    );
    return {
      version: version.rows[0].version,
      settings: Object.fromEntries(
        settings.rows.map((row) => [row.name, row.unit ? `${row.setting} (${row.unit})` : row.setting]),
      ),
    };
  });
}

/** Cumulative per-database counters, to tell how many transactions and rows one API request costs. */
export interface DatabaseCounters {
  xactCommit: number;
  xactRollback: number;
  tupInserted: number;
  tupUpdated: number;
  tupFetched: number;
  blksHit: number;
  blksRead: number;
}

export async function databaseCounters(serverUrl: string, database: string): Promise<DatabaseCounters> {
  return withAdmin(serverUrl, async (client) => {
    const { rows } = await client.query<Record<string, string>>(
      `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_fetched, blks_hit, blks_read
         FROM pg_stat_database WHERE datname = $1`,
      [database],
    );
    const row = rows[0] ?? {};
    return {
      xactCommit: Number(row.xact_commit ?? 0),
      xactRollback: Number(row.xact_rollback ?? 0),
      tupInserted: Number(row.tup_inserted ?? 0),
      tupUpdated: Number(row.tup_updated ?? 0),
      tupFetched: Number(row.tup_fetched ?? 0),
      blksHit: Number(row.blks_hit ?? 0),
      blksRead: Number(row.blks_read ?? 0),
    };
  });
}

/**
 * Samples pg_stat_activity of one database every `intervalMs` until stopped: how many API connections are
 * running, idle in a transaction, or waiting, and on what (Lock/transactionid means row-lock queues).
 */
export class ActivitySampler {
  private readonly counts = new Map<string, number>();
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private client: Client | undefined;
  private busy = false;

  constructor(
    private readonly serverUrl: string,
    private readonly database: string,
    private readonly intervalMs = 200,
  ) {}

  async start(): Promise<void> {
    this.client = new Client({ connectionString: databaseUrl(this.serverUrl, 'postgres') });
    await this.client.connect();
    this.timer = setInterval(() => void this.sample(), this.intervalMs);
  }

  private async sample(): Promise<void> {
    if (this.busy || !this.client) return;
    this.busy = true;
    try {
      const { rows } = await this.client.query<{ what: string; n: string }>(
        `SELECT coalesce(state, 'unknown') || coalesce(' / ' || wait_event_type || ':' || wait_event, '') AS what,
                count(*) AS n
           FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
          GROUP BY 1`,
        [this.database],
      );
      this.samples += 1;
      for (const row of rows) this.counts.set(row.what, (this.counts.get(row.what) ?? 0) + Number(row.n));
    } catch {
      // a missed sample is not worth failing a benchmark for
    } finally {
      this.busy = false;
    }
  }

  /** Average number of connections per state / wait event over the samples, most frequent first. */
  async stop(): Promise<Array<{ state: string; avgConnections: number }>> {
    if (this.timer) clearInterval(this.timer);
    while (this.busy) await new Promise((resolve) => setTimeout(resolve, 10));
    await this.client?.end();
    const samples = Math.max(1, this.samples);
    return [...this.counts.entries()]
      .map(([state, total]) => ({ state, avgConnections: Math.round((total / samples) * 100) / 100 }))
      .sort((a, b) => b.avgConnections - a.avgConnections);
  }
}

async function withDatabase<T>(serverUrl: string, database: string, fn: (client: Client) => Promise<T>) {
  const client = new Client({ connectionString: databaseUrl(serverUrl, database) });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Outbox events the API's relay has not published yet: a backlog delays every realtime event queued behind it. */
export async function unpublishedOutboxEvents(serverUrl: string, database: string): Promise<number> {
  return withDatabase(serverUrl, database, async (client) => {
    const { rows } = await client.query<{ pending: number }>(
      `SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL`,
    );
    return rows[0]?.pending ?? 0;
  });
}

/** What the background still has to do for the load so far: outbox events to publish, emails/SMS/push to send. */
export interface Backlog {
  outbox: number;
  deliveries: number;
}

export async function backgroundBacklog(serverUrl: string, database: string): Promise<Backlog> {
  return withDatabase(serverUrl, database, async (client) => {
    const { rows } = await client.query<Backlog>(
      `SELECT (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS outbox,
              (SELECT count(*)::int FROM notification_deliveries
                WHERE status IN ('queued', 'sending', 'retrying') AND not_before <= now()) AS deliveries`,
    );
    return rows[0] ?? { outbox: 0, deliveries: 0 };
  });
}

/**
 * Waits (at most `timeoutMs`) until the background has caught up with the load so far (the relay published every
 * event, the workers sent every due delivery), so that a phase measures its own load, not the last one's backlog.
 */
export async function waitForQuiet(
  serverUrl: string,
  database: string,
  timeoutMs = 120_000,
): Promise<{ backlog: Backlog; left: Backlog; waitedMs: number }> {
  const started = Date.now();
  const backlog = await backgroundBacklog(serverUrl, database);
  let left = backlog;
  while ((left.outbox > 0 || left.deliveries > 0) && Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await backgroundBacklog(serverUrl, database);
  }
  return { backlog, left, waitedMs: Date.now() - started };
}

/**
 * When the relay took each transfer's `FundsTransferred` event (`published_at` is `now()` of the relay's
 * transaction, i.e. its start), in epoch milliseconds with PostgreSQL's microseconds; by transfer id.
 */
export async function transferEventsPublishedAt(
  serverUrl: string,
  database: string,
  transferIds: string[],
): Promise<Map<string, number>> {
  return withDatabase(serverUrl, database, async (client) => {
    const { rows } = await client.query<{ id: string; at: number }>(
      `SELECT aggregate_id AS id, (extract(epoch FROM published_at) * 1000)::float8 AS at
         FROM outbox
        WHERE type = 'FundsTransferred' AND aggregate_id = ANY($1::text[]) AND published_at IS NOT NULL`,
      [transferIds],
    );
    return new Map(rows.map((row) => [row.id, Number(row.at)]));
  });
}
