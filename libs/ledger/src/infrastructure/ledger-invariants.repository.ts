import type { EntityManager } from 'typeorm';

export interface InvariantResult {
  invariant: string;
  /** How many rows break it. */
  total: number;
  /** A readable line for each of the first rows that break it. */
  samples: string[];
}

export interface LedgerCounts {
  accounts: number;
  transactions: number;
  entries: number;
  pendingHolds: number;
}

interface Invariant {
  name: string;
  /** Set-based SQL returning the offending rows; `$1` is the sample limit, `total` the count of all of them. */
  sql: string;
  describe(row: Record<string, string>): string;
}

// Every query is one statement, so it sees one consistent snapshot even while money keeps moving.
const ENTRY_TOTALS = `SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id`;
const PENDING_HOLD_TOTALS = `
  SELECT hold_account_id AS account_id, sum(hold_amount) AS total
    FROM ledger_transactions WHERE status = 'pending' GROUP BY hold_account_id`;

const INVARIANTS: Invariant[] = [
  {
    name: 'entries-sum-to-zero',
    sql: `SELECT transaction_id, currency, sum(amount)::text AS sum, count(*) OVER () AS total
            FROM ledger_entries GROUP BY transaction_id, currency HAVING sum(amount) <> 0
           ORDER BY transaction_id LIMIT $1`,
    describe: (r) => `transaction ${r.transaction_id}: ${r.currency} entries sum to ${r.sum}, not 0`,
  },
  {
    name: 'cached-balance-equals-entries',
    sql: `SELECT a.id, a.currency, a.posted::text AS posted, coalesce(e.total, 0)::text AS entries,
                 count(*) OVER () AS total
            FROM ledger_accounts a LEFT JOIN (${ENTRY_TOTALS}) e ON e.account_id = a.id
           WHERE a.owner_id IS NOT NULL AND a.posted <> coalesce(e.total, 0)
           ORDER BY a.id LIMIT $1`,
    describe: (r) =>
      `account ${r.id} (${r.currency}): cached posted ${r.posted} but its entries sum to ${r.entries}`,
  },
  {
    // System accounts are hot: never updated per transfer, their balance is Σ entries; the column stays 0.
    name: 'system-balance-derived-from-entries',
    sql: `SELECT id, kind, currency, qualifier, posted::text AS posted, count(*) OVER () AS total
            FROM ledger_accounts WHERE owner_id IS NULL AND posted <> 0 ORDER BY id LIMIT $1`,
    describe: (r) =>
      `system account ${r.id} (${r.kind}/${r.currency}/${r.qualifier}): cached posted ${r.posted} should stay 0`,
  },
  {
    name: 'pending-debits-equal-pending-holds',
    sql: `SELECT a.id, a.currency, a.pending_debits::text AS pending_debits, coalesce(h.total, 0)::text AS held,
                 count(*) OVER () AS total
            FROM ledger_accounts a LEFT JOIN (${PENDING_HOLD_TOTALS}) h ON h.account_id = a.id
           WHERE a.pending_debits <> coalesce(h.total, 0)
           ORDER BY a.id LIMIT $1`,
    describe: (r) =>
      `account ${r.id} (${r.currency}): pending_debits ${r.pending_debits} but its pending holds total ${r.held}`,
  },
  {
    name: 'no-negative-balance',
    sql: `SELECT a.id, a.currency, (a.posted - a.pending_debits)::text AS available,
                 (coalesce(e.total, 0) - a.pending_debits)::text AS available_by_entries,
                 count(*) OVER () AS total
            FROM ledger_accounts a LEFT JOIN (${ENTRY_TOTALS}) e ON e.account_id = a.id
           WHERE NOT a.allow_negative
             AND (a.posted - a.pending_debits < 0 OR coalesce(e.total, 0) - a.pending_debits < 0)
           ORDER BY a.id LIMIT $1`,
    describe: (r) =>
      `account ${r.id} (${r.currency}) may not go negative: available ${r.available} ` +
      `(${r.available_by_entries} by its entries)`,
  },
  {
    name: 'posted-hold-within-held',
    sql: `SELECT id, hold_amount::text AS held, posted_amount::text AS posted, count(*) OVER () AS total
            FROM ledger_transactions
           WHERE status = 'posted' AND hold_account_id IS NOT NULL
             AND (posted_amount IS NULL OR posted_amount <= 0 OR posted_amount > hold_amount)
           ORDER BY id LIMIT $1`,
    describe: (r) => `hold ${r.id}: posted ${r.posted ?? 'nothing'} of ${r.held} held`,
  },
  {
    name: 'posted-hold-entries-match',
    sql: `SELECT t.id, t.posted_amount::text AS posted, count(*) OVER () AS total
            FROM ledger_transactions t
           WHERE t.status = 'posted' AND t.hold_account_id IS NOT NULL
             AND NOT (
               (SELECT count(*) FROM ledger_entries e WHERE e.transaction_id = t.id) = 2
               AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id
                             AND e.account_id = t.hold_account_id AND e.amount = -t.posted_amount)
               AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id
                             AND e.account_id = t.hold_counter_account_id AND e.amount = t.posted_amount))
           ORDER BY t.id LIMIT $1`,
    describe: (r) =>
      `hold ${r.id}: entries are not exactly a debit of the account and a credit of the counter account ` +
      `for the posted ${r.posted ?? '(none)'}`,
  },
  {
    name: 'posted-transaction-has-entries',
    sql: `SELECT t.id, t.kind, count(*) OVER () AS total FROM ledger_transactions t
           WHERE t.status = 'posted' AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id)
           ORDER BY t.id LIMIT $1`,
    describe: (r) => `transaction ${r.id} (${r.kind}) is posted but has no entries`,
  },
  {
    name: 'unposted-hold-has-no-entries',
    sql: `SELECT t.id, t.status, count(*) OVER () AS total FROM ledger_transactions t
           WHERE t.status <> 'posted' AND EXISTS (SELECT 1 FROM ledger_entries e WHERE e.transaction_id = t.id)
           ORDER BY t.id LIMIT $1`,
    describe: (r) => `hold ${r.id} is ${r.status} but has entries`,
  },
  {
    name: 'entry-currency-equals-account-currency',
    sql: `SELECT e.id::text AS id, e.transaction_id, e.currency, a.id AS account_id, a.currency AS account_currency,
                 count(*) OVER () AS total
            FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
           WHERE e.currency <> a.currency
           ORDER BY e.id LIMIT $1`,
    describe: (r) =>
      `entry ${r.id} of transaction ${r.transaction_id} is in ${r.currency} on account ${r.account_id} ` +
      `kept in ${r.account_currency}`,
  },
];

/** The ledger's invariants (DESIGN.md, Ledger) as set-based queries, for the check command and reconciliation. */
export class LedgerInvariantsRepository {
  static readonly names = INVARIANTS.map((invariant) => invariant.name);

  async counts(manager: EntityManager): Promise<LedgerCounts> {
    const [row] = (await manager.query(
      `SELECT (SELECT count(*) FROM ledger_accounts)::int AS accounts,
              (SELECT count(*) FROM ledger_transactions)::int AS transactions,
              (SELECT count(*) FROM ledger_entries)::int AS entries,
              (SELECT count(*) FROM ledger_transactions WHERE status = 'pending')::int AS pending_holds`,
    )) as Array<{ accounts: number; transactions: number; entries: number; pending_holds: number }>;
    return {
      accounts: row.accounts,
      transactions: row.transactions,
      entries: row.entries,
      pendingHolds: row.pending_holds,
    };
  }

  /** Each invariant with the number of rows breaking it and up to `sampleLimit` of them described. */
  async check(manager: EntityManager, sampleLimit: number): Promise<InvariantResult[]> {
    const results: InvariantResult[] = [];
    for (const invariant of INVARIANTS) {
      const rows = (await manager.query(invariant.sql, [sampleLimit])) as Array<Record<string, string>>;
      results.push({
        invariant: invariant.name,
        total: rows.length === 0 ? 0 : Number(rows[0].total),
        samples: rows.map((row) => invariant.describe(row)),
      });
    }
    return results;
  }
}
