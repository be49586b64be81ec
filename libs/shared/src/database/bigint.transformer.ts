import type { ValueTransformer } from 'typeorm';

/**
 * Postgres `bigint`/`numeric(38,0)` ⇄ JavaScript `bigint`. node-postgres returns these columns as
 * strings; `BigInt(string)` is exact, where `Number()` silently breaks past 2^53.
 */
export const BigIntTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined) =>
    value === null || value === undefined ? value : value.toString(),
  from: (value: string | null) => (value === null ? null : BigInt(value)),
};
