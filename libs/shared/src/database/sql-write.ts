import type { EntityManager } from 'typeorm';

/**
 * One data-modifying SQL statement (INSERT, UPDATE, DELETE, without RETURNING) with its own `$1…$n` parameters,
 * built by the repository that owns its table, so that another piece of code can run it in ONE round trip with
 * its own writes: the last statement of a transaction then carries the outbox row and the idempotency answer
 * (see {@link combineWrites}). `$` must appear in `sql` only as a parameter placeholder, and `sql` must not begin
 * with WITH (PostgreSQL takes data-modifying CTEs only at the top level).
 */
export interface SqlWrite {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** PostgreSQL takes at most 65,535 parameters a statement. */
export const MAX_STATEMENT_PARAMETERS = 60_000;

/**
 * Several writes as one statement: every one but the last a data-modifying CTE (`WITH w0 AS (…), … <last>`), their
 * parameters renumbered one after the other. PostgreSQL runs each CTE exactly once, in the statement's snapshot;
 * none sees another's rows (they may not touch the same row), and deferred checks (foreign keys between them) run
 * when the statement ends, when every row exists. Nothing of it is written unless all of it is.
 */
export function combineWrites(writes: readonly SqlWrite[]): SqlWrite {
  if (writes.length === 1) return writes[0];
  for (const write of writes) {
    // PostgreSQL accepts data-modifying CTEs only at the top level.
    if (/^\s*WITH\b/i.test(write.sql))
      throw new Error('combineWrites: a write may not itself begin with WITH');
  }
  const params: unknown[] = [];
  const sqls = writes.map((write) => {
    const offset = params.length;
    params.push(...write.params);
    return shiftParameters(write.sql, offset);
  });
  const last = sqls.pop() as string;
  return { sql: `WITH ${sqls.map((sql, index) => `w${index} AS (${sql})`).join(', ')} ${last}`, params };
}

/**
 * A multi-row INSERT whose text does not depend on how many rows it writes: each column one array parameter of its
 * type, the rows read back from `unnest … WITH ORDINALITY` in order (so a serial column, the outbox's sequence, is drawn
 * in row order, as a multi-row VALUES would). The same text for 1 row or 1,000, so it is prepared once per connection
 * and its parse and plan do not grow with the rows (a 1,000-recipient batch's VALUES list had 27,000 parameters). A
 * column of an array type (`uuid[]`) is sent as its rows' array literals and cast back.
 */
export function insertRowsWrite(
  table: string,
  columns: ReadonlyArray<readonly [name: string, type: string]>,
  rows: ReadonlyArray<readonly unknown[]>,
  { where }: { where?: string } = {},
): SqlWrite {
  const params = columns.map(([, type], index) =>
    rows.map((row) => (type.endsWith('[]') ? arrayLiteral(row[index]) : row[index])),
  );
  const arrays = columns.map(([, type], index) => `$${index + 1}::${type.endsWith('[]') ? 'text' : type}[]`);
  const names = columns.map(([name]) => name);
  const selected = columns.map(([name, type]) => (type.endsWith('[]') ? `r.${name}::${type}` : `r.${name}`));
  return {
    sql: `INSERT INTO ${table} (${names.join(', ')}) SELECT ${selected.join(', ')}
            FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS r(${names.join(', ')}, ord)${where ? ` WHERE ${where}` : ''}
           ORDER BY r.ord`,
    params,
  };
}

/** A PostgreSQL array literal of `values` (each element quoted), or null. */
function arrayLiteral(values: unknown): string | null {
  if (values === null || values === undefined) return null;
  if (!Array.isArray(values)) throw new Error('insertRowsWrite: an array column needs an array');
  const elements = values.map((value) =>
    value === null ? 'NULL' : `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`,
  );
  return `{${elements.join(',')}}`;
}

/**
 * Runs `writes` in the caller's transaction, in order: one statement when their parameters fit in one
 * ({@link combineWrites}), otherwise one statement each. Nothing when there are none.
 */
export async function runWrites(tx: EntityManager, writes: readonly SqlWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const total = writes.reduce((sum, write) => sum + write.params.length, 0);
  const groups = total <= MAX_STATEMENT_PARAMETERS ? [combineWrites(writes)] : writes;
  for (const write of groups) await tx.query(write.sql, [...write.params]);
}

/**
 * A guarded write (an upsert or update with RETURNING whose WHERE refuses what a rule forbids) that another
 * context's statement may carry before its own writes and make them depend on, so the two cost one round trip:
 * the limits a transfer consumes, carried by the ledger's posting (LedgerService.post). It passed in full when it
 * returns `rowsToProceed` rows; otherwise the carrier writes nothing of its own, and `check` (given the rows it
 * returned) throws the refusal. What it wrote when it refused in part is the caller's to undo (a savepoint).
 */
export interface GuardedWrite {
  readonly write: SqlWrite;
  readonly rowsToProceed: number;
  check(tx: EntityManager, rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
}

/** A guarded write as an all-or-nothing statement carries it: it passed when it returned `rowsToProceed` rows. */
export type Guard = Pick<GuardedWrite, 'write' | 'rowsToProceed'>;

/** The SQLSTATE of `all_or_nothing(false)` (migration 1766000000000-all-or-nothing). */
export const REFUSED_WHOLE = 'MN001';

/**
 * Whether a statement failed because it was all-or-nothing and one of its guards refused: it wrote nothing, and
 * the caller takes the path that explains the refusal.
 */
export function refusedWhole(error: unknown): boolean {
  const { driverError, code } = (error ?? {}) as { driverError?: { code?: unknown }; code?: unknown };
  return (driverError?.code ?? code) === REFUSED_WHOLE;
}

/** Renumbers `sql`'s `$n` placeholders by `offset`, for a write carried inside another statement. */
export function shiftParameters(sql: string, offset: number): string {
  return offset === 0 ? sql : sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
