import { readFileSync } from 'node:fs';
import { Client } from 'pg';

/** CPU accounting from /proc (Linux): who used the machine's cores during a phase. */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] and fields[12] are utime and stime (fields 14 and 15 of proc(5), counted from 1).
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Busy CPU seconds of the whole machine (all cores; idle, iowait and steal excluded), from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  // user nice system idle iowait irq softirq steal …: idle, iowait and steal (another guest's) are not work here.
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq) / CLOCK_TICKS;
}

/**
 * CPU used by the PostgreSQL processes that work for one database: its client backends plus the server's
 * background processes (WAL writer, checkpointer, autovacuum). Other databases' backends are left out, so
 * whatever else runs on the machine meanwhile is not counted as this benchmark's.
 */
export class PostgresCpu {
  private constructor(
    private readonly serverUrl: string,
    private readonly database: string,
    private readonly before: Map<number, number>,
  ) {}

  private static async pids(serverUrl: string, database: string): Promise<number[]> {
    const url = new URL(serverUrl);
    url.pathname = '/postgres';
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND (datname = $1 OR backend_type <> 'client backend')`,
        [database],
      );
      return rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  }

  private static read(pids: number[]): Map<number, number> {
    const seconds = new Map<number, number>();
    for (const pid of pids) {
      const value = cpuSecondsOf(pid);
      if (value !== null) seconds.set(pid, value);
    }
    return seconds;
  }

  static async start(serverUrl: string, database: string): Promise<PostgresCpu> {
    return new PostgresCpu(
      serverUrl,
      database,
      PostgresCpu.read(await PostgresCpu.pids(serverUrl, database)),
    );
  }

  /** CPU seconds since start: processes seen at both ends by their difference, new ones in full. */
  async stop(): Promise<number> {
    const after = PostgresCpu.read(await PostgresCpu.pids(this.serverUrl, this.database));
    let total = 0;
    for (const [pid, seconds] of after) total += seconds - (this.before.get(pid) ?? 0);
    return total;
  }
}
