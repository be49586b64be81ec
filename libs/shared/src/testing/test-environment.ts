import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { PgliteWireServer } from '../database/pglite';

export interface TestEnvironment {
  /** Environment variables for `loadConfig` in this test file. */
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/**
 * An isolated world for one test file. On the embedded default, an in-memory PGlite. With
 * `DATABASE_URL` set (CI's second run), a fresh PostgreSQL database created for this file and dropped
 * after; with `REDIS_URL`, a key prefix of its own.
 *
 * Either database starts already migrated, copied from one migrated once per set of migrations (a PostgreSQL
 * template database; a dump of PGlite's data directory in the system's temporary directory): a file's app then
 * finds no migration pending instead of running them all, which was most of its start-up. The migrations
 * themselves still run for real, once per set, and `openTestDataSource` and CI's `migration:run` run them too.
 */
export async function createTestEnvironment(overrides: NodeJS.ProcessEnv = {}): Promise<TestEnvironment> {
  const suffix = randomBytes(6).toString('hex');
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSWORD_HASH_COST: '10',
    THROTTLE_LIMIT: '100000',
    AUTH_THROTTLE_LIMIT: '100000',
    JWT_ACCESS_SECRET: randomBytes(32).toString('hex'),
    REFRESH_TOKEN_SECRET: randomBytes(32).toString('hex'),
    // Shared by every API instance a test boots on this environment (TOTP secrets, codes, step-up tokens).
    TOTP_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SHUTDOWN_TIMEOUT_MS: '5000',
    // Suites fire hundreds of concurrent requests at a 4-connection pool on a shared 2-core machine: they
    // queue for a connection rather than get 503 after the production default of 5 s.
    DATABASE_ACQUIRE_TIMEOUT_MS: '30000',
    // The sandbox providers keep their real proportions (Tempo < 100 ms, Circle 2–3 s) at a twentieth of
    // the time, so that tests wait milliseconds rather than seconds.
    PROVIDER_SANDBOX_LATENCY_SCALE: '0.05',
    PROVIDER_CALL_TIMEOUT_MS: '1000',
    PROVIDER_SETTLE_WAIT_MS: '4000',
    PROVIDER_HEALTH_PROBE_MS: '200',
    PROVIDER_BREAKER_HALF_OPEN_MS: '300',
    PROVIDER_POLL_INTERVAL_MS: '200',
    PROVIDER_PENDING_RESOLVE_AFTER_MS: '5000',
  };
  const cleanups: Array<() => Promise<void>> = [];

  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const database = `monay_test_${suffix}`;
    const template = await postgresTemplate(serverUrl);
    await adminQuery(serverUrl, `CREATE DATABASE ${database} TEMPLATE ${template}`);
    // A test database is dropped when its file ends: its commits need not wait for the WAL to reach the disk.
    await adminQuery(serverUrl, `ALTER DATABASE ${database} SET synchronous_commit = off`);
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
    env.DATABASE_POOL_SIZE = '10';
    cleanups.push(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }

  if (!serverUrl && overrides.DATA_DIR === undefined) env.EMBEDDED_DATABASE_SEED = await embeddedSeed();

  const redisUrl = process.env.REDIS_URL;
  if (redisUrl) {
    const prefix = `monaytest${suffix}`;
    env.REDIS_URL = redisUrl;
    env.REDIS_PREFIX = prefix;
    cleanups.push(() => deleteKeys(redisUrl, `${prefix}:*`));
  }

  return {
    env: { ...env, ...overrides },
    dispose: async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function deleteKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The migrations as they are now (file names and contents), and the PGlite that runs them. */
function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  const directory = join(process.cwd(), 'migrations');
  for (const name of readdirSync(directory).sort()) {
    hash.update(name).update(readFileSync(join(directory, name)));
  }
  hash.update(readFileSync(join(process.cwd(), 'node_modules/@electric-sql/pglite/package.json')));
  return hash.digest('hex').slice(0, 16);
}

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(url, 1));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/**
 * A dump of a migrated PGlite data directory, made by the first test file that needs it (a file of its own,
 * renamed into place: workers that race both build one, and one wins).
 */
async function embeddedSeed(): Promise<string> {
  const file = join(tmpdir(), `monay-test-seed-${migrationsFingerprint()}.tar`);
  if (existsSync(file)) return file;
  const server = await PgliteWireServer.start({});
  try {
    await migrate(server.connectionString());
    const dump = await server.db.dumpDataDir('none');
    const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  } finally {
    await server.close();
  }
  return file;
}

/** A migrated template database on the PostgreSQL server, built once (under an advisory lock) per fingerprint. */
async function postgresTemplate(serverUrl: string): Promise<string> {
  const template = `monay_template_${migrationsFingerprint()}`;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (found.rowCount === 0) {
      const building = `${template}_${randomBytes(4).toString('hex')}`;
      await client.query(`CREATE DATABASE ${building}`);
      const url = new URL(serverUrl);
      url.pathname = `/${building}`;
      await migrate(url.toString());
      await client.query(`ALTER DATABASE ${building} RENAME TO ${template}`);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [template]).catch(() => undefined);
    await client.end();
  }
  return template;
}
