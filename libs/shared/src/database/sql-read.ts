import type { EntityManager } from 'typeorm';
import { shiftParameters } from './sql-write';

/**
 * A SELECT with its own `$1…$n` parameters, built by the repository that owns its tables, and how its rows become
 * the answer: for {@link readTogether}, which runs several (of several contexts) in one round trip. Its rows come
 * back through JSON there: a bigint must be selected as text, and `decode` must take a timestamp as an ISO string
 * as well as a Date. `$` must appear in `sql` only as a parameter placeholder.
 */
export interface SqlRead<T> {
  readonly sql: string;
  readonly params: readonly unknown[];
  decode(rows: Array<Record<string, unknown>>): T;
}

/**
 * A read that may use the rows of the reads before it in the same statement: `rowsOf(i)` names the i-th read's
 * rows (e.g. `SELECT id FROM ${rowsOf(0)}`), so a lookup and what depends on its answer cost one round trip.
 */
export type ReadStep<T> = SqlRead<T> | ((rowsOf: (index: number) => string) => SqlRead<T>);

/**
 * Runs the reads in ONE statement (each a CTE, in one snapshot; each answered as a JSON array) and decodes each
 * with its own `decode`, in the order given.
 */
export async function readTogether<T extends unknown[]>(
  manager: EntityManager,
  steps: { [K in keyof T]: ReadStep<T[K]> },
): Promise<T> {
  const params: unknown[] = [];
  const reads = (steps as ReadonlyArray<ReadStep<unknown>>).map((step, current) =>
    typeof step === 'function'
      ? step((index: number) => {
          if (!Number.isInteger(index) || index < 0 || index >= current) {
            throw new Error(`readTogether: no read ${index} before read ${current}`);
          }
          return `r${index}`;
        })
      : step,
  );
  const ctes = reads.map((read, index) => {
    const offset = params.length;
    params.push(...read.params);
    return `r${index} AS (${shiftParameters(read.sql, offset)})`;
  });
  const columns = reads.map(
    (_, index) => `(SELECT coalesce(json_agg(r${index}), '[]'::json) FROM r${index}) AS r${index}`,
  );
  const [row] = (await manager.query(
    `WITH ${ctes.join(', ')} SELECT ${columns.join(', ')}`,
    params,
  )) as Array<Record<string, Array<Record<string, unknown>>>>;
  return reads.map((read, index) => read.decode(row[`r${index}`])) as T;
}

/**
 * `= $n` against a list: one value as a scalar parameter (`= $n::uuid`), several as an array (`= ANY($n::uuid[])`),
 * with the parameter to send. PostgreSQL's plan of a prepared statement for any values takes an array parameter to
 * hold ten; with a single value that plan looks dearer than the one made for the value, so every execution was
 * planned afresh (the P2P recipient read: 0.34 ms of planning, five times its execution), and the plan for any
 * values could even read a whole table. A scalar has no such guess.
 */
export function equalsOneOf(
  values: readonly unknown[],
  type: string,
  placeholder: number,
): { test: string; param: unknown } {
  return values.length === 1
    ? { test: `= $${placeholder}::${type}`, param: values[0] }
    : { test: `= ANY($${placeholder}::${type}[])`, param: values };
}
