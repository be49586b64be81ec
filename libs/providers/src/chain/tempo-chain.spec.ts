import { memoOf, movementIdOfMemo } from './tempo-chain';

describe('the memo of an on-chain payment', () => {
  it("is the movement id's 16 bytes, left-aligned in the bytes32, and reads back as the id", () => {
    const id = '46a4dc82-bb11-83a5-9727-04555e2d0aba';
    const memo = memoOf(id);
    expect(memo).toBe(`0x46a4dc82bb1183a5972704555e2d0aba${'0'.repeat(32)}`);
    expect(memo).toHaveLength(66);
    expect(movementIdOfMemo(memo)).toBe(id);
    expect(memoOf(id.toUpperCase())).toBe(memo);
  });

  it('is keccak256 of any other key (still 32 bytes, and no movement id reads out of it)', () => {
    const memo = memoOf('batch:2026-12-05:payroll');
    expect(memo).toMatch(/^0x[0-9a-f]{64}$/);
    expect(memo).not.toBe(memoOf('batch:2026-12-05:payroll2'));
    expect(movementIdOfMemo(memo)).toBeNull();
  });
});
