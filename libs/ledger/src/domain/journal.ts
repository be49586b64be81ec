import { LedgerAmountOutOfRangeError, MAX_LEDGER_AMOUNT, UnbalancedTransactionError } from './ledger.errors';

/** One leg of a transaction. Signed minor units: negative debits the account, positive credits it. */
export interface EntryInput {
  accountId: string;
  currency: string;
  amount: bigint;
}

/**
 * Refuses a transaction unless it has entries, none of them zero or beyond what an entry holds, and they sum to
 * zero in each currency (double entry: money is only ever moved, never created or lost).
 */
export function assertBalanced(entries: readonly EntryInput[]): void {
  if (entries.length === 0) throw new UnbalancedTransactionError('a transaction needs entries');
  const totals = new Map<string, bigint>();
  entries.forEach((entry, index) => {
    if (typeof entry.amount !== 'bigint') {
      throw new UnbalancedTransactionError('amounts are bigint minor units', { index });
    }
    if (entry.amount === 0n) throw new UnbalancedTransactionError('an entry cannot be zero', { index });
    if (entry.amount > MAX_LEDGER_AMOUNT || entry.amount < -MAX_LEDGER_AMOUNT) {
      throw new LedgerAmountOutOfRangeError(entry.currency);
    }
    totals.set(entry.currency, (totals.get(entry.currency) ?? 0n) + entry.amount);
  });
  for (const [currency, total] of totals) {
    if (total !== 0n) {
      throw new UnbalancedTransactionError(`entries in ${currency} sum to ${total}, not 0`, {
        currency,
        total: total.toString(),
      });
    }
  }
}

/** Each account's net change over the entries (an account may appear in several), without zero nets. */
export function netByAccount(entries: readonly EntryInput[]): Map<string, bigint> {
  const nets = new Map<string, bigint>();
  for (const entry of entries) nets.set(entry.accountId, (nets.get(entry.accountId) ?? 0n) + entry.amount);
  for (const [accountId, net] of nets) if (net === 0n) nets.delete(accountId);
  return nets;
}

/** A stored entry: append-only, never updated or deleted. */
export interface LedgerEntry {
  /** Sequence number (bigserial), as a string. */
  id: string;
  transactionId: string;
  accountId: string;
  currency: string;
  amount: bigint;
  createdAt: Date;
}
