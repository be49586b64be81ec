/**
 * Sizes of the chaos suite. Bounded by default (CI runs it on every submission, in a few minutes on 2 cores);
 * `CHAOS_SCALE=n` multiplies every load (users, transfers, fuzzed requests), e.g. `CHAOS_SCALE=10 npm run test:chaos`.
 */
function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export const CHAOS_SCALE = positiveNumber('CHAOS_SCALE', 1);

/** `base` multiplied by CHAOS_SCALE, at least 1. */
export function scaled(base: number): number {
  return Math.max(1, Math.round(base * CHAOS_SCALE));
}

/** A test's time budget grows with the load it runs. */
export function scaledTimeout(baseMs: number): number {
  return Math.round(baseMs * Math.max(1, CHAOS_SCALE));
}
