import { CachedRead } from './cached-read';

describe('CachedRead', () => {
  afterEach(() => jest.useRealTimers());

  it('reads once for callers that come while a read is under way, and keeps the value for its time', async () => {
    jest.useFakeTimers({ now: 1_000 });
    let reads = 0;
    const cached = new CachedRead(async () => (reads += 1), 250);
    expect(await Promise.all([cached.get(), cached.get()])).toEqual([1, 1]);
    jest.setSystemTime(1_249);
    expect(await cached.get()).toBe(1);
    jest.setSystemTime(1_250);
    expect(await cached.get()).toBe(2);
    cached.invalidate();
    expect(await cached.get()).toBe(3);
    expect(reads).toBe(3);
  });

  it('keeps nothing from a read that failed', async () => {
    let fail = true;
    const cached = new CachedRead(async () => {
      if (fail) throw new Error('down');
      return 'up';
    }, 250);
    await expect(cached.get()).rejects.toThrow('down');
    fail = false;
    expect(await cached.get()).toBe('up');
  });
});
