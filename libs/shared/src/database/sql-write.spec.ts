import type { EntityManager } from 'typeorm';
import { readTogether } from './sql-read';
import { combineWrites, shiftParameters } from './sql-write';

describe('combineWrites', () => {
  it('makes every write but the last a CTE and numbers their parameters one after the other', () => {
    const combined = combineWrites([
      { sql: 'INSERT INTO a (x, y) VALUES ($1, $2)', params: ['x', 'y'] },
      { sql: 'INSERT INTO b (z) VALUES ($1::jsonb)', params: ['{}'] },
      { sql: 'UPDATE c SET v = $2 WHERE id = $1 AND w = $10', params: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    ]);
    expect(combined.sql).toBe(
      'WITH w0 AS (INSERT INTO a (x, y) VALUES ($1, $2)), w1 AS (INSERT INTO b (z) VALUES ($3::jsonb)) ' +
        'UPDATE c SET v = $5 WHERE id = $4 AND w = $13',
    );
    expect(combined.params).toEqual(['x', 'y', '{}', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('leaves a single write as it is, and refuses a write that is itself a WITH', () => {
    const one = { sql: 'INSERT INTO a VALUES ($1)', params: [1] };
    expect(combineWrites([one])).toBe(one);
    expect(() =>
      combineWrites([one, { sql: ' with x AS (SELECT 1) INSERT INTO a SELECT * FROM x', params: [] }]),
    ).toThrow(/WITH/);
  });

  it('renumbers $10 as one placeholder, not $1 followed by 0', () => {
    expect(shiftParameters('$1, $10, $2', 5)).toBe('$6, $15, $7');
    expect(shiftParameters('$1', 0)).toBe('$1');
  });
});

describe('readTogether', () => {
  it('runs the reads as CTEs of one statement, later ones naming earlier ones, and decodes each', async () => {
    const calls: Array<{ sql: string; params: unknown[] }> = [];
    const manager = {
      query: (sql: string, params: unknown[]) => {
        calls.push({ sql, params });
        return Promise.resolve([{ r0: [{ id: 'u1' }], r1: [{ n: '7' }] }]);
      },
    } as unknown as EntityManager;
    const [ids, counts] = await readTogether<[string[], bigint[]]>(manager, [
      {
        sql: 'SELECT id FROM users WHERE email = ANY($1)',
        params: [['a@b']],
        decode: (rows) => rows.map((r) => r.id as string),
      },
      (rowsOf) => ({
        sql: `SELECT count(*)::text AS n FROM contacts WHERE owner = $1 AND other IN (SELECT id FROM ${rowsOf(0)})`,
        params: ['me'],
        decode: (rows) => rows.map((r) => BigInt(r.n as string)),
      }),
    ]);
    expect(ids).toEqual(['u1']);
    expect(counts).toEqual([7n]);
    expect(calls).toHaveLength(1);
    expect(calls[0].sql).toBe(
      'WITH r0 AS (SELECT id FROM users WHERE email = ANY($1)), ' +
        'r1 AS (SELECT count(*)::text AS n FROM contacts WHERE owner = $2 AND other IN (SELECT id FROM r0)) ' +
        "SELECT (SELECT coalesce(json_agg(r0), '[]'::json) FROM r0) AS r0, " +
        "(SELECT coalesce(json_agg(r1), '[]'::json) FROM r1) AS r1",
    );
    expect(calls[0].params).toEqual([['a@b'], 'me']);
  });

  it('refuses a read that names one not before it', async () => {
    const manager = { query: () => Promise.resolve([{}]) } as unknown as EntityManager;
    await expect(
      readTogether<[unknown]>(manager, [
        (rowsOf) => ({ sql: `SELECT * FROM ${rowsOf(1)}`, params: [], decode: () => 0 }),
      ]),
    ).rejects.toThrow(/no read 1/);
  });
});
