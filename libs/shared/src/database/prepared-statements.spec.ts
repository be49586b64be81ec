import { StatementNames } from './prepared-statements';

describe('StatementNames', () => {
  it('names a text the second time it is sent, and keeps that name', () => {
    const names = new StatementNames();
    const text = 'SELECT * FROM users WHERE id = $1';
    expect(names.nameFor(text)).toBeUndefined();
    const name = names.nameFor(text);
    expect(name).toMatch(/^monay_[0-9a-f]{24}$/);
    expect(names.nameFor(text)).toBe(name);
  });

  it('gives two texts two names', () => {
    const names = new StatementNames();
    const a = 'SELECT 1 WHERE $1::int > 0';
    const b = 'SELECT 2 WHERE $1::int > 0';
    for (const text of [a, b, a, b]) names.nameFor(text);
    expect(names.nameFor(a)).not.toBe(names.nameFor(b));
  });

  it('names no more than its limit of texts: the rest run unnamed', () => {
    const names = new StatementNames(2);
    const texts = ['SELECT $1::int', 'SELECT $1::text', 'SELECT $1::uuid'];
    for (const text of [...texts, ...texts]) names.nameFor(text);
    expect(texts.map((text) => names.nameFor(text) !== undefined)).toEqual([true, true, false]);
    expect(names.size).toBe(2);
  });

  it('forgets texts seen once when too many were seen, so dynamic SQL cannot grow it without bound', () => {
    const names = new StatementNames(400, 3);
    for (let i = 0; i < 10; i += 1) names.nameFor(`SELECT ${i} WHERE $1::int > 0`);
    expect(names.nameFor('SELECT 0 WHERE $1::int > 0')).toBeUndefined();
    expect(names.size).toBe(0);
  });

  it('never names (nor remembers) a text longer than its maximum: a batch of a thousand rows runs unnamed', () => {
    const names = new StatementNames(400, 10_000, 64);
    const long = `SELECT ${'1, '.repeat(40)}$1::int`;
    expect(names.nameFor(long)).toBeUndefined();
    expect(names.nameFor(long)).toBeUndefined();
    expect(names.size).toBe(0);
  });
});
