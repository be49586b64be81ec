import { truncateUtf8 } from '../../domain/external-transfer';
import { memoFor } from './external-transfer.policy';

describe('memoFor: the sender’s note as each vendor can carry it on chain', () => {
  it('sends no memo for no note, an empty one, or to Circle (its transfers carry none)', () => {
    expect(memoFor('tempo', null)).toBeUndefined();
    expect(memoFor('tempo', '')).toBeUndefined();
    expect(memoFor('monay', null)).toBeUndefined();
    expect(memoFor('circle', 'rent')).toBeUndefined();
  });

  it('gives Monay the whole note', () => {
    const note = 'x'.repeat(280);
    expect(memoFor('monay', note)).toBe(note);
  });

  it('cuts the note to Tempo’s bytes32, never in the middle of a character', () => {
    expect(memoFor('tempo', 'rent')).toBe('rent');
    expect(memoFor('tempo', 'a'.repeat(32))).toBe('a'.repeat(32));
    expect(memoFor('tempo', 'a'.repeat(40))).toBe('a'.repeat(32));
    // 31 ASCII bytes, then a 4-byte emoji that does not fit: dropped whole.
    expect(memoFor('tempo', `${'a'.repeat(31)}🏠 and more`)).toBe('a'.repeat(31));
    // 'é' is 2 bytes: 16 of them fill 32 bytes exactly.
    expect(memoFor('tempo', 'é'.repeat(20))).toBe('é'.repeat(16));
    for (const note of [
      'Rent for March — thanks 🏠🏠🏠🏠',
      '日本語のメモです。ありがとうございます',
      'x'.repeat(100),
    ]) {
      const memo = memoFor('tempo', note)!;
      expect(Buffer.byteLength(memo, 'utf8')).toBeLessThanOrEqual(32);
      expect(note.startsWith(memo)).toBe(true);
      // As long as it can be: the next character would not have fitted.
      const next = [...note][[...memo].length];
      expect(Buffer.byteLength(memo + next, 'utf8')).toBeGreaterThan(32);
    }
  });

  it('truncateUtf8 keeps a text that fits as it is', () => {
    expect(truncateUtf8('', 32)).toBe('');
    expect(truncateUtf8('🏠', 4)).toBe('🏠');
    expect(truncateUtf8('🏠', 3)).toBe('');
  });
});
