import { atLeast, levelFor, nextLevel } from './levels';

describe('levels from lifetime points', () => {
  it.each([
    [0n, 'bronze'],
    [999n, 'bronze'],
    [1_000n, 'silver'],
    [4_999n, 'silver'],
    [5_000n, 'gold'],
    [20_000n, 'platinum'],
    [10_000_000n, 'platinum'],
  ])('%s points: %s', (points, level) => {
    expect(levelFor(points).level).toBe(level);
  });

  it('says what the next level needs, and orders levels', () => {
    expect(nextLevel(700n)).toEqual({ level: 'silver', pointsNeeded: 300n });
    expect(nextLevel(20_000n)).toBeNull();
    expect(atLeast('gold', 'silver')).toBe(true);
    expect(atLeast('silver', 'gold')).toBe(false);
  });
});
