import type { QueryRunner } from 'typeorm';
import type { JobQueue } from '../messaging/job-queue';
import { openTestDataSource, type TestDataSource } from '../testing';
import { TableMaintenance } from './table-maintenance';

describe('table maintenance where the database has no autovacuum', () => {
  let db: TestDataSource;
  let maintenance: TableMaintenance;

  /**
   * The cumulative statistics reach other sessions when a session flushes them: at most once a second at a
   * transaction's end, else when it has been idle a while. Ask for the flush at the next one.
   */
  const flushStats = async (session: QueryRunner): Promise<void> => {
    await session.query(`SELECT pg_stat_force_next_flush()`);
    await session.query(`SELECT 1`);
  };

  /** A table of `rows` rows, the first `updated` of them updated once, written in one session. */
  const written = async (table: string, rows: number, updated: number): Promise<void> => {
    const session = db.dataSource.createQueryRunner();
    await session.connect();
    try {
      await session.query(`CREATE TABLE ${table} (id int PRIMARY KEY, v text NOT NULL)`);
      await session.query(`INSERT INTO ${table} SELECT g, 'row ' || g FROM generate_series(1, ${rows}) g`);
      await session.query(`UPDATE ${table} SET v = v || '!' WHERE id <= ${updated}`);
      await flushStats(session);
    } finally {
      await session.release();
    }
  };

  const untilDue = async (table: string): Promise<void> => {
    for (let waited = 0; waited < 15_000; waited += 100) {
      if ((await maintenance.due()).some((due) => due.name === table)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${table} never became due`);
  };

  beforeAll(async () => {
    db = await openTestDataSource([]);
    maintenance = new TableMaintenance(db.dataSource, {} as JobQueue);
    await maintenance.maintain(); // what migrating left due
  });
  afterAll(() => db.close());

  it('vacuums and analyzes a table past the thresholds, then leaves it alone', async () => {
    await written('maintenance_rows', 10_000, 4_000);
    await untilDue('public.maintenance_rows');

    const run = await maintenance.maintain();

    expect(run).toMatchObject({ ran: true, failed: [] });
    expect(run.vacuumed).toContain('public.maintenance_rows');
    expect(run.analyzed).toContain('public.maintenance_rows');
    const [table] = (await db.dataSource.query(
      `SELECT c.reltuples::int AS rows, s.n_dead_tup::int AS dead
         FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = 'maintenance_rows'`,
    )) as Array<{ rows: number; dead: number }>;
    expect(table).toEqual({ rows: 10000, dead: 0 });
    expect((await maintenance.due()).map((due) => due.name)).not.toContain('public.maintenance_rows');
  });

  it('leaves a table under the size floor alone, however much of it changed', async () => {
    await written('maintenance_small', 1_000, 1_000);
    const changed = async (): Promise<number> => {
      const [row] = (await db.dataSource.query(
        `SELECT n_mod_since_analyze::int AS n FROM pg_stat_user_tables WHERE relname = 'maintenance_small'`,
      )) as Array<{ n: number }>;
      return row?.n ?? 0;
    };
    for (let waited = 0; waited < 15_000 && (await changed()) < 2000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await changed()).toBe(2000);

    expect((await maintenance.due()).map((due) => due.name)).not.toContain('public.maintenance_small');
  });

  it('makes a statement prepared while its table was nearly empty read in index order once the table has grown', async () => {
    // The shape of the outbox relay's look: the rows past a cursor, in order, at most so many.
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    const plan = async (): Promise<string> =>
      ((await runner.query(`EXPLAIN EXECUTE maintenance_after(19990)`)) as Array<{ 'QUERY PLAN': string }>)
        .map((line) => line['QUERY PLAN'])
        .join('\n');
    try {
      await runner.query(`CREATE TABLE maintenance_log (sequence bigint PRIMARY KEY, v text NOT NULL)`);
      await runner.query(`INSERT INTO maintenance_log VALUES (1, 'one')`);
      await runner.query(
        `PREPARE maintenance_after(bigint) AS
           SELECT sequence FROM maintenance_log WHERE sequence > $1 ORDER BY sequence LIMIT 2000`,
      );
      // After five runs PostgreSQL keeps the generic plan, made for a table of one row: fetch every row past the
      // cursor, then sort them.
      for (let i = 0; i < 6; i++) await runner.query(`EXECUTE maintenance_after(0)`);
      await runner.query(
        `INSERT INTO maintenance_log SELECT g, 'row ' || g FROM generate_series(2, 20000) g`,
      );
      expect(await plan()).toContain('Sort');
      await flushStats(runner);
      await untilDue('public.maintenance_log');

      expect((await maintenance.maintain()).analyzed).toContain('public.maintenance_log');

      const after = await plan();
      expect(after).toMatch(/Limit[\s\S]*Index (Only )?Scan using maintenance_log_pkey/);
      expect(after).not.toContain('Sort');
    } finally {
      await runner.query(`DEALLOCATE maintenance_after`).catch(() => undefined);
      await runner.release();
    }
  });

  it('runs where autovacuum does not: always on PGlite, whatever its setting says', async () => {
    const [{ autovacuum }] = (await db.dataSource.query(`SHOW autovacuum`)) as Array<{ autovacuum: string }>;
    const autovacuumRuns = Boolean(process.env.DATABASE_URL) && autovacuum === 'on';

    expect(await maintenance.autovacuumRuns()).toBe(autovacuumRuns);
    expect((await maintenance.run()).ran).toBe(!autovacuumRuns);
  });
});
