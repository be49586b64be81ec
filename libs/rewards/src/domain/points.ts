/** The points asset: a ledger currency of scale 0 (one point is one minor unit), never a wallet currency. */
export const POINTS = 'PTS';

/** Whole days and hours in milliseconds, for lock periods and expiries. */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** `points` as the API shows them: a decimal string (points are bigint in the ledger). */
export function pointsString(points: bigint): string {
  return points.toString();
}
