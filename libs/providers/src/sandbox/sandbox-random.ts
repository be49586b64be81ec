import { Injectable } from '@nestjs/common';

/**
 * The sandboxes' only source of chance (failures, latencies, settlement times). A rate of 0 never fires and
 * 1 always does, whatever the source, so tests force outcomes with the rates alone; `seeded` gives a
 * repeatable sequence for everything in between.
 */
@Injectable()
export class SandboxRandom {
  private next: () => number = Math.random;

  /** A generator whose sequence is fixed by `seed` (mulberry32). */
  static seeded(seed: number): SandboxRandom {
    const random = new SandboxRandom();
    let state = seed >>> 0;
    random.next = () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    return random;
  }

  /** True with probability `rate` (clamped to [0, 1]). */
  chance(rate: number): boolean {
    if (!(rate > 0)) return false;
    if (rate >= 1) return true;
    return this.next() < rate;
  }

  /** A uniformly drawn number in [min, max]. */
  between(min: number, max: number): number {
    return max <= min ? min : min + this.next() * (max - min);
  }
}
