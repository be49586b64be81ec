import { randomInt, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { machineBusySeconds, PostgresCpu } from './cpu';
import { round, summarize, type LatencySummary, closedLoop } from './stats';

/**
 * The physical reference: the same double-entry transfer the API books, in raw SQL through a `pg` Pool,
 * with nothing else around it: lock both accounts in id order, move the amount, append two entries, commit.
 */
export interface RawLevel {
  concurrency: number;
  transfers: number;
  errors: number;
  seconds: number;
  tps: number;
  latency: LatencySummary;
  /** Cores used on average: PostgreSQL server processes, this client process, the whole machine. */
  cpu: { postgresCores: number; clientCores: number; machineBusyCores: number; otherCores: number };
}

export interface RawResult {
  database: string;
  accounts: number;
  schema: string;
  levels: RawLevel[];
  best: { concurrency: number; tps: number };
  consistent: boolean;
  consistencyDetail: string;
}

export const SCHEMA = `
  CREATE TABLE accounts (
    id bigint PRIMARY KEY,
    balance bigint NOT NULL CHECK (balance >= 0)
  );
  CREATE TABLE entries (
    id bigserial PRIMARY KEY,
    transfer_id uuid NOT NULL,
    account_id bigint NOT NULL REFERENCES accounts (id),
    amount bigint NOT NULL CHECK (amount <> 0),
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX entries_account_idx ON entries (account_id);`;

/** Minor units each account starts with, and moved per transfer (bigint: money is never a float). */
export const OPENING_BALANCE = 1_000_000_000_000n;
export const TRANSFER_AMOUNT = 10_000n;

/**
 * The raw transfer's statements between two random accounts, through `query` (a pg client in a transaction here,
 * PGlite's transaction in pglite-raw-process.ts): lock both rows in id order, move the amount, write both entries.
 */
export async function transferStatements(
  query: (sql: string, params: unknown[]) => Promise<unknown>,
  accounts: number,
): Promise<void> {
  const from = randomInt(1, accounts + 1);
  let to = randomInt(1, accounts);
  if (to >= from) to += 1;
  const amount = TRANSFER_AMOUNT.toString();
  await query('SELECT id, balance FROM accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE', [from, to]);
  await query('UPDATE accounts SET balance = balance - $2 WHERE id = $1', [from, amount]);
  await query('UPDATE accounts SET balance = balance + $2 WHERE id = $1', [to, amount]);
  const id = randomUUID();
  await query('INSERT INTO entries (transfer_id, account_id, amount) VALUES ($1, $2, $3)', [
    id,
    from,
    `-${amount}`,
  ]);
  await query('INSERT INTO entries (transfer_id, account_id, amount) VALUES ($1, $2, $3)', [id, to, amount]);
}

export async function transfer(pool: Pool, accounts: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await transferStatements((sql, params) => client.query(sql, params), accounts);
    await client.query('COMMIT');
    client.release();
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    throw error;
  }
}

async function runLevel(
  url: string,
  scope: { serverUrl: string; database: string },
  accounts: number,
  concurrency: number,
  seconds: number,
): Promise<RawLevel> {
  const pool = new Pool({ connectionString: url, max: concurrency });
  // Open every connection before the clock starts.
  const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
  for (const client of clients) client.release();
  const pgCpu = await PostgresCpu.start(scope.serverUrl, scope.database);
  const cpuBefore = { self: process.cpuUsage(), machine: machineBusySeconds() };
  const { latencies, errors, elapsed } = await closedLoop(concurrency, seconds, () =>
    transfer(pool, accounts),
  );
  const self = process.cpuUsage(cpuBefore.self);
  const machineBusyCores = round((machineBusySeconds() - cpuBefore.machine) / elapsed);
  const postgresCores = round((await pgCpu.stop()) / elapsed);
  const clientCores = round((self.user + self.system) / 1e6 / elapsed);
  const cpu = {
    postgresCores,
    clientCores,
    machineBusyCores,
    otherCores: round(Math.max(0, machineBusyCores - postgresCores - clientCores)),
  };
  await pool.end();
  return {
    concurrency,
    transfers: latencies.length,
    errors,
    seconds: Math.round(elapsed * 100) / 100,
    tps: Math.round(latencies.length / elapsed),
    latency: summarize(latencies),
    cpu,
  };
}

export async function runRawSql(
  serverUrl: string,
  url: string,
  database: string,
  options: { accounts: number; concurrency: number[]; seconds: number },
  log: (line: string) => void,
): Promise<RawResult> {
  const setup = new Pool({ connectionString: url, max: 1 });
  try {
    await setup.query(SCHEMA);
    await setup.query(
      'INSERT INTO accounts (id, balance) SELECT g, $2::bigint FROM generate_series(1, $1) g',
      [options.accounts, OPENING_BALANCE.toString()],
    );
    await setup.query('VACUUM ANALYZE accounts');
  } finally {
    await setup.end();
  }

  const levels: RawLevel[] = [];
  for (const concurrency of options.concurrency) {
    const level = await runLevel(
      url,
      { serverUrl, database },
      options.accounts,
      concurrency,
      options.seconds,
    );
    log(
      `  raw SQL c=${concurrency}: ${level.tps} transfers/s, p50 ${level.latency.p50Ms} ms, ` +
        `p95 ${level.latency.p95Ms} ms${level.errors ? `, ${level.errors} errors` : ''} ` +
        `[cores: pg ${level.cpu.postgresCores} client ${level.cpu.clientCores} other ${level.cpu.otherCores}, ` +
        `${level.cpu.machineBusyCores} busy]`,
    );
    levels.push(level);
  }
  const best = levels.reduce((a, b) => (b.tps > a.tps ? b : a));

  const { consistent, consistencyDetail } = await checkConsistency(url, options.accounts);
  return {
    database,
    accounts: options.accounts,
    schema:
      'accounts(id bigint pk, balance bigint check >= 0); entries(bigserial pk, transfer uuid, account fk + index, amount bigint, created_at)',
    levels,
    best: { concurrency: best.concurrency, tps: best.tps },
    consistent,
    consistencyDetail,
  };
}

/** Money is conserved: Σ balances unchanged, Σ entries = 0, no account below zero. */
export async function checkConsistency(url: string, accounts: number) {
  const check = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await check.query<{ total: string; entries: string; count: string; negative: string }>(
      `SELECT (SELECT sum(balance) FROM accounts)::text AS total,
              (SELECT coalesce(sum(amount), 0) FROM entries)::text AS entries,
              (SELECT count(*) FROM entries)::text AS count,
              (SELECT count(*) FROM accounts WHERE balance < 0)::text AS negative`,
    );
    const expected = OPENING_BALANCE * BigInt(accounts);
    const row = rows[0];
    return {
      consistent: BigInt(row.total) === expected && BigInt(row.entries) === 0n && row.negative === '0',
      consistencyDetail: `Σ balances ${row.total} (expected ${expected}), Σ entries ${row.entries} over ${row.count} entries`,
    };
  } finally {
    await check.end();
  }
}
