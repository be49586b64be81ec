import { SandboxRandom } from './sandbox-random';

describe('sandbox chance', () => {
  it('never fires at rate 0 and always at rate 1, whatever the draws', () => {
    const random = SandboxRandom.seeded(7);
    for (let i = 0; i < 1_000; i += 1) {
      expect(random.chance(0)).toBe(false);
      expect(random.chance(1)).toBe(true);
    }
  });

  it('fires near its rate, repeatably for one seed', () => {
    const first = SandboxRandom.seeded(42);
    const second = SandboxRandom.seeded(42);
    const a = Array.from({ length: 2_000 }, () => first.chance(0.3));
    const b = Array.from({ length: 2_000 }, () => second.chance(0.3));
    expect(a).toEqual(b);
    const hits = a.filter(Boolean).length;
    expect(hits).toBeGreaterThan(500);
    expect(hits).toBeLessThan(700);
  });

  it('draws within [min, max]', () => {
    const random = SandboxRandom.seeded(1);
    for (let i = 0; i < 500; i += 1) {
      const value = random.between(30, 90);
      expect(value).toBeGreaterThanOrEqual(30);
      expect(value).toBeLessThanOrEqual(90);
    }
  });
});
