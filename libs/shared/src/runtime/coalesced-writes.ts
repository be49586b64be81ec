/**
 * Writes that may share one statement: at most one write is under way, and what is added while it runs goes out
 * together in the next. Nothing waits for company: alone, an item is written at once; under load, items gather
 * while the write before them runs, so there are fewer round trips, not later ones. Each `add` settles when the
 * write that carried its item does, and fails with it.
 */
export class CoalescedWrites<T> {
  private waiting: Array<{ item: T; settle: (error?: unknown) => void }> = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting;
      this.waiting = [];
      let failure: unknown;
      try {
        await this.write(batch.map((entry) => entry.item));
      } catch (error) {
        failure = error ?? new Error('write failed');
      }
      for (const entry of batch) entry.settle(failure);
    }
    this.writing = false;
  }
}
