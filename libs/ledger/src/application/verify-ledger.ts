import type { EntityManager } from 'typeorm';
import { LedgerInvariantsRepository } from '../infrastructure/ledger-invariants.repository';

export interface LedgerBreach {
  /** The invariant's stable name, e.g. 'cached-balance-equals-entries'. */
  invariant: string;
  detail: string;
}

export interface LedgerReport {
  ok: boolean;
  checkedAt: string;
  counts: { accounts: number; transactions: number; entries: number; pendingHolds: number };
  breaches: LedgerBreach[];
}

/** The invariants checked, by name (in report order). */
export const LEDGER_INVARIANTS: readonly string[] = LedgerInvariantsRepository.names;

const SAMPLES_PER_INVARIANT = 20;

/**
 * Checks every ledger invariant (DESIGN.md, Ledger) with set-based SQL:
 * - entries sum to zero per transaction and currency;
 * - each user account's cached `posted` equals the sum of its entries (system accounts keep no cached
 *   balance: theirs is derived from their entries, and their `posted` column stays 0);
 * - each account's `pending_debits` equals the sum of its pending holds;
 * - no account that may not go negative is below zero, by its cached balance or by its entries;
 * - every posted hold posted at most what it held, with exactly a debit and a credit of that amount;
 * - a posted transaction has entries, a pending, voided or expired hold has none;
 * - an entry's currency is its account's currency.
 *
 * Read-only. Run it in a REPEATABLE READ transaction for counts and checks from one snapshot; each check is
 * one statement, so each is consistent on its own even on a plain manager while money keeps moving. Tests of
 * every context call it after each money scenario.
 */
export async function verifyLedger(manager: EntityManager): Promise<LedgerReport> {
  const invariants = new LedgerInvariantsRepository();
  const checkedAt = new Date().toISOString();
  const counts = await invariants.counts(manager);
  const breaches: LedgerBreach[] = [];
  for (const result of await invariants.check(manager, SAMPLES_PER_INVARIANT)) {
    for (const detail of result.samples) breaches.push({ invariant: result.invariant, detail });
    const unlisted = result.total - result.samples.length;
    if (unlisted > 0) breaches.push({ invariant: result.invariant, detail: `… and ${unlisted} more` });
  }
  return { ok: breaches.length === 0, checkedAt, counts, breaches };
}
