import { Injectable, Logger } from '@nestjs/common';
import { Clock } from './clock';

/**
 * Work that falls due with time (expire holds, settle a bank transfer on its business day, release locked reward
 * points, expire requests): each context registers a sweeper that does everything due at `now`, idempotently. Its
 * own scheduled job calls it, and advancing the sandbox clock runs them all at once.
 */
export interface DueWorkSweeper {
  readonly name: string;
  /** Does what is due at `now`; returns how many things it did. */
  sweep(now: Date): Promise<number>;
}

@Injectable()
export class DueWork {
  private readonly logger = new Logger('DueWork');
  private readonly sweepers: DueWorkSweeper[] = [];

  constructor(private readonly clock: Clock) {}

  register(sweeper: DueWorkSweeper): void {
    if (this.sweepers.some((existing) => existing.name === sweeper.name)) {
      throw new Error(`Due-work sweeper ${sweeper.name} registered twice`);
    }
    this.sweepers.push(sweeper);
  }

  /** Every sweeper, in registration order, at the clock's time; a failing one does not stop the others. */
  async runAll(): Promise<Array<{ name: string; done: number; error?: string }>> {
    await this.clock.sync();
    const now = this.clock.now();
    const results: Array<{ name: string; done: number; error?: string }> = [];
    for (const sweeper of this.sweepers) {
      try {
        results.push({ name: sweeper.name, done: await sweeper.sweep(now) });
      } catch (error) {
        this.logger.warn(`Due-work sweeper ${sweeper.name} failed: ${String(error)}`);
        results.push({ name: sweeper.name, done: 0, error: (error as Error).message });
      }
    }
    return results;
  }
}
