import { createHash } from 'node:crypto';

/**
 * The hash chain over the journal (tamper evidence). A block seals, in order, the ledger transactions whose
 * first journal entry (the smallest `ledger_entries.id` among their entries) falls in
 * (previous block's `lastEntryId`, this block's `lastEntryId`]:
 *
 *   hash(block) = sha256(hash(previous block) + "\n" + line(t1) + "\n" + line(t2) + …)
 *   line(t)     = id | kind | reference | metadata | entry;entry;…   entry = id:account:currency:amount
 *
 * transactions ordered by their first entry id, entries by id. The first block chains to {@link GENESIS_HASH}.
 * Changing, adding or removing an entry of a sealed transaction, or a transaction appearing below a sealed
 * point, changes a line or the set of lines, so the block's hash and every later link no longer match.
 */
export const GENESIS_HASH = '0'.repeat(64);

/** Characters of sha256(line) kept per sealed transaction, so a check can name the one that changed. */
export const DIGEST_LENGTH = 16;

export interface SealedEntry {
  id: string;
  accountId: string;
  currency: string;
  /** Signed minor units as a decimal integer string. */
  amount: string;
}

export interface SealedTransaction {
  id: string;
  kind: string;
  reference: string | null;
  /** The jsonb metadata as PostgreSQL prints it (its text form is canonical). */
  metadata: string;
  /** The smallest id among its entries: the transaction's place in the journal. */
  firstEntryId: string;
  /** In id order. */
  entries: SealedEntry[];
}

/** One transaction's canonical text: every field that must never change once it is in the journal. */
export function canonicalLine(transaction: SealedTransaction): string {
  const entries = transaction.entries
    .map((entry) => `${entry.id}:${entry.accountId}:${entry.currency}:${entry.amount}`)
    .join(';');
  return [
    transaction.id,
    transaction.kind,
    escape(transaction.reference ?? ''),
    escape(transaction.metadata),
    entries,
  ].join('|');
}

/** `|`, `\` and line breaks in free text cannot be confused with the separators. */
function escape(text: string): string {
  return text.replace(/[\\|\n\r]/g, (ch) => `\\${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function transactionDigest(transaction: SealedTransaction): string {
  return sha256(canonicalLine(transaction)).slice(0, DIGEST_LENGTH);
}

/** The block's hash: its predecessor's hash and its transactions' lines, in journal order. */
export function blockHash(previousHash: string, transactions: readonly SealedTransaction[]): string {
  const hash = createHash('sha256').update(previousHash);
  for (const transaction of transactions) hash.update('\n').update(canonicalLine(transaction));
  return hash.digest('hex');
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A block as stored in `ledger_seals`. */
export interface LedgerSeal {
  block: number;
  firstTransactionId: string;
  lastTransactionId: string;
  firstEntryId: string;
  /** The sealed point: every transaction whose first entry id is at most this is sealed (by this block or earlier). */
  lastEntryId: string;
  transactionCount: number;
  transactionIds: string[];
  transactionDigests: string[];
  hash: string;
  previousHash: string;
  sealedAt: Date;
}
