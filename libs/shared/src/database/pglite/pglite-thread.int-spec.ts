import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, Pool } from 'pg';

import { PgliteThread } from './pglite-thread';

function recordingLogger() {
  const lines: string[] = [];
  return {
    lines,
    log: (line: string) => lines.push(line),
    warn: (line: string) => lines.push(`warn: ${line}`),
  };
}

async function rows<R extends object>(url: string, sql: string): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('PgliteThread: the embedded database on a thread of its own', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'monay-pglite-thread-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves pooled clients, each transaction whole, behind its password, and beside this thread', async () => {
    const logger = recordingLogger();
    const db = await PgliteThread.start({ logger, password: 'the-right-one' });
    const pool = new Pool({ connectionString: db.connectionString(), max: 4 });
    try {
      await pool.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
      await pool.query('INSERT INTO counter VALUES (1, 0)');
      // 40 read-modify-write transactions over 4 connections: a lost update shows as a total under 40.
      await Promise.all(
        Array.from({ length: 40 }, async () => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const { rows: found } = await client.query<{ n: number }>(
              'SELECT n FROM counter WHERE id = 1 FOR UPDATE',
            );
            await client.query('UPDATE counter SET n = $1 WHERE id = 1', [found[0].n + 1]);
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      );
      const { rows: total } = await pool.query<{ n: number }>('SELECT n FROM counter WHERE id = 1');
      expect(total[0].n).toBe(40);

      // A statement that keeps PGlite busy for a while; meanwhile this thread's timers must keep firing. Run on
      // this thread (as PGlite was before), the statement would stall them for its whole length.
      let worstLagMs = 0;
      let last = performance.now();
      const ticker = setInterval(() => {
        const now = performance.now();
        worstLagMs = Math.max(worstLagMs, now - last - 10);
        last = now;
      }, 10);
      const started = performance.now();
      const { rows: counted } = await pool.query<{ n: string }>(
        'SELECT count(*) AS n FROM generate_series(1, 3000000) AS g(i) WHERE i % 7 = 3',
      );
      const statementMs = performance.now() - started;
      clearInterval(ticker);
      expect(counted[0].n).toBe('428572');
      expect(statementMs).toBeGreaterThan(150);
      expect(worstLagMs).toBeLessThan(statementMs / 2);

      const wrong = new URL(db.connectionString());
      expect(decodeURIComponent(wrong.password)).toBe('the-right-one');
      wrong.password = 'a-wrong-one';
      await expect(rows(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    } finally {
      await pool.end();
      await db.close();
    }
    expect(
      logger.lines.some((line) =>
        /^PGlite \S+ \(in memory\) serving postgres:\/\/127\.0\.0\.1:\d+/.test(line),
      ),
    ).toBe(true);
  });

  it('flushes an on-disk database when closed: reopened, it has every committed row', async () => {
    const dataDir = join(dir, 'data');
    const first = await PgliteThread.start({ dataDir });
    await rows(first.connectionString(), 'CREATE TABLE kept (id int PRIMARY KEY)');
    await rows(first.connectionString(), 'INSERT INTO kept SELECT generate_series(1, 1000)');
    await first.close();
    await first.close(); // closing twice is one close

    const again = await PgliteThread.start({ dataDir });
    try {
      const [{ n }] = await rows<{ n: string }>(again.connectionString(), 'SELECT count(*) AS n FROM kept');
      expect(n).toBe('1000');
    } finally {
      await again.close();
    }
  });

  it('reports a database that cannot start as an error, and leaves no thread behind', async () => {
    const notADirectory = join(dir, 'a-file');
    await writeFile(notADirectory, 'not a data directory');
    await expect(PgliteThread.start({ dataDir: notADirectory })).rejects.toThrow();
  });
});
