import { pause } from './pause';

describe('pause', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('ends after its time when nobody ends it', async () => {
    let ended = false;
    const waiting = pause(100, () => undefined).then(() => (ended = true));
    await jest.advanceTimersByTimeAsync(99);
    expect(ended).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await waiting;
    expect(ended).toBe(true);
  });

  it('ends at once when the function it exposed is called, and its timer is cleared', async () => {
    let end: (() => void) | undefined;
    const waiting = pause(60_000, (handed) => (end = handed));
    expect(jest.getTimerCount()).toBe(1);
    end?.();
    await waiting;
    expect(jest.getTimerCount()).toBe(0);
    // A nudge after the wait ended calls a spent function: it must neither throw nor start anything.
    expect(() => end?.()).not.toThrow();
    expect(jest.getTimerCount()).toBe(0);
  });
});
