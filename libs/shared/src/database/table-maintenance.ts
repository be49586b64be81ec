import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JobName } from '../messaging/job-names';
import { JobQueue } from '../messaging/job-queue';
import { OnJob } from '../messaging/on-job.decorator';

/** How often the job looks for tables to vacuum or analyze. */
export const TABLE_MAINTENANCE_EVERY_MS = 10_000;

/**
 * Tables smaller than this are left alone: scanning one costs about what its index does, so no plan goes stale on
 * it, and on PGlite, where every VACUUM and ANALYZE holds the one session, maintaining small tables would only
 * slow everything else (five embedded e2e files took about 15% longer).
 */
export const TABLE_MAINTENANCE_MIN_BYTES = 256 * 1024;

/** The pause autovacuum takes each time its work reaches the cost limit (its default). */
const VACUUM_COST_DELAY = '2ms';

/** What one run did, table by table (schema-qualified names). */
export interface TableMaintenanceRun {
  /** False when the server's autovacuum does the work: nothing was looked at. */
  ran: boolean;
  vacuumed: string[];
  analyzed: string[];
  /** Tables whose statement failed (logged); they are tried again on the next run. */
  failed: string[];
}

interface DueTable {
  name: string;
  vacuum: boolean;
  analyze: boolean;
}

/**
 * Autovacuum for a database that has none: the embedded PGlite (one process, no background workers) and a
 * PostgreSQL server run with `autovacuum = off`. Without it the planner never learns how large a table has grown:
 * a prepared statement keeps the plan it was given while its table was nearly empty (a sequential scan), and
 * published outbox rows, sent deliveries and other updated rows stay as dead tuples in every index scan.
 *
 * Every {@link TABLE_MAINTENANCE_EVERY_MS}, one job (whichever process runs jobs) applies autovacuum's default
 * thresholds to the cumulative statistics: VACUUM a table when its dead tuples pass 50 + 20% of its rows, or its
 * inserts since the last vacuum pass 1,000 + 20%; ANALYZE it when its changed rows pass 50 + 10%. ANALYZE also makes
 * every session re-plan the statements it prepared on that table. Tables under {@link TABLE_MAINTENANCE_MIN_BYTES}
 * are left alone, and tables another session has locked (a migration) are skipped until the next run. Where
 * autovacuum runs (production PostgreSQL), the job does nothing.
 */
@Injectable()
export class TableMaintenance implements OnApplicationBootstrap {
  private readonly logger = new Logger('TableMaintenance');

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  /** Declared in the background: a queue that is down (Redis restarting) must not stop the API starting. */
  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.MaintainTables, { everyMs: TABLE_MAINTENANCE_EVERY_MS }, {})
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the table maintenance schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.MaintainTables)
  async run(): Promise<TableMaintenanceRun> {
    if (await this.autovacuumRuns()) return { ran: false, vacuumed: [], analyzed: [], failed: [] };
    return this.maintain();
  }

  /**
   * Whether autovacuum looks after this database: its launcher is running, or (for a role that may not see the
   * server's processes, as on a managed PostgreSQL) the server says `autovacuum = on` and is not PGlite, which says
   * so too but runs no launcher.
   */
  async autovacuumRuns(): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher')
              OR (current_setting('autovacuum') = 'on' AND version() NOT LIKE '%PGlite%') AS runs`,
    )) as Array<{ runs: boolean }>;
    return row?.runs === true;
  }

  /** The tables past autovacuum's thresholds (and the size floor), most changed first. */
  async due(): Promise<DueTable[]> {
    const rows = (await this.dataSource.query(
      `SELECT name, vacuum_due, analyze_due FROM (
         SELECT format('%I.%I', s.schemaname, s.relname) AS name,
                s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
                  OR s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0) AS vacuum_due,
                s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0) AS analyze_due,
                s.n_dead_tup + s.n_mod_since_analyze AS changed
           FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
          WHERE pg_relation_size(s.relid) >= $1
       ) t
       WHERE vacuum_due OR analyze_due
       ORDER BY changed DESC`,
      [TABLE_MAINTENANCE_MIN_BYTES],
    )) as Array<{ name: string; vacuum_due: boolean; analyze_due: boolean }>;
    return rows.map((row) => ({ name: row.name, vacuum: row.vacuum_due, analyze: row.analyze_due }));
  }

  /**
   * Vacuums and analyzes every table that is due, one at a time, on one connection; a failing table does not stop
   * the others. On PostgreSQL it paces itself as autovacuum does (`autovacuum_vacuum_cost_delay`: 2 ms asleep
   * whenever its work reaches the cost limit), so that it runs beside the load rather than taking a core from it
   * for a second at a time; a manual VACUUM is not paced by default. Not on PGlite: its one session would only be
   * held longer.
   */
  async maintain(): Promise<TableMaintenanceRun> {
    const run: TableMaintenanceRun = { ran: true, vacuumed: [], analyzed: [], failed: [] };
    const due = await this.due();
    if (due.length === 0) return run;
    const runner = this.dataSource.createQueryRunner();
    try {
      const [{ pglite }] = (await runner.query(`SELECT version() LIKE '%PGlite%' AS pglite`)) as Array<{
        pglite: boolean;
      }>;
      if (!pglite) await runner.query(`SET vacuum_cost_delay = '${VACUUM_COST_DELAY}'`);
      for (const table of due) {
        const statement = table.vacuum
          ? `VACUUM (${table.analyze ? 'ANALYZE, ' : ''}SKIP_LOCKED) ${table.name}`
          : `ANALYZE (SKIP_LOCKED) ${table.name}`;
        try {
          await runner.query(statement);
          if (table.vacuum) run.vacuumed.push(table.name);
          if (table.analyze) run.analyzed.push(table.name);
        } catch (error) {
          run.failed.push(table.name);
          this.logger.warn(`${statement} failed: ${String(error)}`);
        }
      }
      if (!pglite) await runner.query('RESET vacuum_cost_delay');
    } finally {
      await runner.release();
    }
    if (run.vacuumed.length + run.analyzed.length > 0) {
      this.logger.debug(
        `Vacuumed ${run.vacuumed.join(', ') || '-'}; analyzed ${run.analyzed.join(', ') || '-'}`,
      );
    }
    return run;
  }
}
