import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';

export interface TestEnvironment {
  /** Environment variables for `loadConfig` in this test file. */
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/**
 * An isolated world for one test file. On the embedded default, an in-memory PGlite. With
 * `DATABASE_URL` set (CI's second run), a fresh PostgreSQL database created for this file and dropped
 * after; with `REDIS_URL`, a key prefix of its own. The app migrates the database when it starts.
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
    await adminQuery(serverUrl, `CREATE DATABASE ${database}`);
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
    env.DATABASE_POOL_SIZE = '10';
    cleanups.push(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }

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
