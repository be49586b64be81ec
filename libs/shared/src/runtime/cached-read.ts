/**
 * A value read from the database that every process shares (an admin's switch), kept in this process for at most
 * `ttlMs`: a change made through another process is seen that much later at most, one made through this one at once
 * (the changer updates the copy it gets from {@link get}). Reads that come while one is under way share it.
 */
export class CachedRead<T> {
  private cache: { readAt: number; value: T } | undefined;
  private loading: Promise<T> | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly ttlMs: number,
  ) {}

  get(): Promise<T> {
    if (this.cache && Date.now() - this.cache.readAt < this.ttlMs) return Promise.resolve(this.cache.value);
    this.loading ??= this.read()
      .then((value) => {
        this.cache = { readAt: Date.now(), value };
        return value;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }

  /** Forgets the copy: the next {@link get} reads again. */
  invalidate(): void {
    this.cache = undefined;
  }
}
