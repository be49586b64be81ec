import { isFinal, movesOn } from './inquiry';

describe('inquiry statuses', () => {
  it('move forward only, and never out of a final status', () => {
    expect(movesOn('created', 'pending')).toBe(true);
    expect(movesOn('pending', 'approved')).toBe(true);
    expect(movesOn('completed', 'needs_review')).toBe(true);
    expect(movesOn('needs_review', 'declined')).toBe(true);
    expect(movesOn('needs_review', 'completed')).toBe(false);
    expect(movesOn('approved', 'declined')).toBe(false);
    expect(movesOn('expired', 'approved')).toBe(false);
    expect(movesOn('pending', 'pending')).toBe(false);
    expect(isFinal('failed')).toBe(true);
    expect(isFinal('needs_review')).toBe(false);
  });
});
