/**
 * Which transactions may still have been running when a statement's snapshot was taken: what a reader of rows
 * numbered from a sequence needs, to know that nothing below a point can still commit (the outbox's horizon, the
 * ledger's sealer).
 *
 * A snapshot's own bounds do not say it. Its xmax is one past the newest transaction that had *completed*, and
 * its xip list holds only the running transactions below that xmax: a transaction that took its xid after the
 * newest completed one took its own, and still runs, is in neither. Its xid is at or past xmax, and xmin is not
 * lowered by it. For example: A takes xid 728, T takes 729, A commits; a snapshot now reads `729:729:` (xmin 729,
 * xmax 729, nothing in progress) while T runs.
 *
 * So the statement also reads the next xid to be assigned, after its snapshot was taken: every transaction that had
 * an xid then has a lower one. `age(xid)` counts from the current transaction's xid or, in a transaction without one,
 * from the next xid to be assigned (read at its first call); added to the snapshot's xmax, a recent normal xid, it
 * gives that next xid without taking one. The statement must run outside a transaction that holds an xid.
 */
export const NEXT_XID_SQL =
  '(pg_snapshot_xmax(pg_current_snapshot())::text::bigint + age(pg_snapshot_xmax(pg_current_snapshot())::xid))';

/**
 * The transactions (xid8, as text) that may have been running at a snapshot (`pg_current_snapshot()::text`) read
 * in the same statement as {@link NEXT_XID_SQL} (`next`): its xip list, and every xid from its xmax up to `next`.
 * Every xid past the newest completed one is still running or was never used, so the second part is at most as
 * long as the number of sessions.
 */
export function transactionsInFlight(snapshot: string, next: string): string[] {
  const [, xmax, xip = ''] = snapshot.split(':');
  const inFlight = xip === '' ? [] : xip.split(',');
  for (let xid = BigInt(xmax); xid < BigInt(next); xid++) inFlight.push(xid.toString());
  return inFlight;
}
