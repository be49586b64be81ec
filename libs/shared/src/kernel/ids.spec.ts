import { newId } from './ids';

/** The milliseconds a version 7 id carries (null: another version). */
function idTime(id: string): number | null {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i.test(id)) return null;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('row ids (UUID version 7)', () => {
  it('is a version 7 UUID carrying the millisecond it was made in', () => {
    const at = Date.UTC(2031, 4, 17, 9, 30, 15, 123);
    const id = newId(at);
    expect(id).toMatch(UUID_V7);
    expect(idTime(id)).toBe(at);
    const hex = at.toString(16).padStart(12, '0');
    expect(id.slice(0, 13)).toBe(`${hex.slice(0, 8)}-${hex.slice(8)}`);
    expect(idTime('3f1c1b9e-7b5d-4c1e-9f3a-2b6c8d9e0f1a')).toBeNull(); // version 4
  });

  it('sorts in the order the ids were made, as text and as PostgreSQL compares uuids (bytes)', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(UUID_V7);
  });

  it('counts up within one millisecond, and moves the time on by one past 4,096 ids', () => {
    const at = Date.UTC(2032, 0, 1);
    const ids = Array.from({ length: 6_000 }, () => newId(at));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(idTime(ids[0])).toBe(at);
    expect(idTime(ids.at(-1)!)).toBe(at + 1);
  });

  it('stays in order when the clock moves back', () => {
    const later = newId(Date.UTC(2033, 0, 1));
    const after = newId(Date.UTC(2033, 0, 1) - 60_000);
    expect(after > later).toBe(true);
    expect(idTime(after)).toBe(Date.UTC(2033, 0, 1));
  });
});
