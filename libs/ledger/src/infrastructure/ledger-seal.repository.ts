import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NEXT_XID_SQL, transactionsInFlight } from '#monay/shared';
import type { LedgerSeal, SealedTransaction } from '../domain/ledger-seal';

interface SealRow {
  block: string;
  first_transaction_id: string;
  last_transaction_id: string;
  first_entry_id: string;
  last_entry_id: string;
  transaction_count: number;
  transaction_ids: string[];
  transaction_digests: string[];
  hash: string;
  previous_hash: string;
  sealed_at: Date;
}

// `block` is read as text (a bigint); ORDER BY names the table's column (`s.block`), never this text alias.
const SEAL_COLUMNS = `block::text, first_transaction_id, last_transaction_id, first_entry_id::text,
  last_entry_id::text, transaction_count, transaction_ids, transaction_digests, hash, previous_hash, sealed_at`;

function toSeal(row: SealRow): LedgerSeal {
  return {
    block: Number(row.block),
    firstTransactionId: row.first_transaction_id,
    lastTransactionId: row.last_transaction_id,
    firstEntryId: row.first_entry_id,
    lastEntryId: row.last_entry_id,
    transactionCount: row.transaction_count,
    transactionIds: row.transaction_ids,
    transactionDigests: row.transaction_digests,
    hash: row.hash,
    previousHash: row.previous_hash,
    sealedAt: row.sealed_at,
  };
}

/** The SQL of the journal's hash chain (ledger_seals) and of the journal reads it seals. */
@Injectable()
export class LedgerSealRepository {
  /**
   * In one statement, hence one snapshot: the highest entry id committed, and the transactions that may have been
   * in progress (transactionsInFlight: the snapshot's xip list is not all of them).
   */
  async snapshot(manager: EntityManager): Promise<{ top: bigint; inProgress: string[] }> {
    const [row] = (await manager.query(
      `SELECT pg_current_snapshot()::text AS snapshot, ${NEXT_XID_SQL}::text AS next,
              coalesce(max(id), 0)::text AS top
         FROM ledger_entries`,
    )) as Array<{ snapshot: string; next: string; top: string }>;
    return { top: BigInt(row.top), inProgress: transactionsInFlight(row.snapshot, row.next) };
  }

  /** How many of these transactions (xid8) are still in progress. */
  async stillInProgress(manager: EntityManager, xids: string[]): Promise<number> {
    if (xids.length === 0) return 0;
    const [row] = (await manager.query(
      `SELECT count(*)::int AS running FROM unnest($1::xid8[]) AS x WHERE pg_xact_status(x) = 'in progress'`,
      [xids],
    )) as Array<{ running: number }>;
    return row.running;
  }

  async latest(manager: EntityManager): Promise<LedgerSeal | undefined> {
    const rows = (await manager.query(
      `SELECT ${SEAL_COLUMNS} FROM ledger_seals s ORDER BY s.block DESC LIMIT 1`,
    )) as SealRow[];
    return rows[0] && toSeal(rows[0]);
  }

  /** Blocks `from`, `from + 1` … in order, at most `limit`. */
  async blocks(manager: EntityManager, from: number, limit: number): Promise<LedgerSeal[]> {
    const rows = (await manager.query(
      `SELECT ${SEAL_COLUMNS} FROM ledger_seals s WHERE s.block >= $1 ORDER BY s.block LIMIT $2`,
      [from, limit],
    )) as SealRow[];
    return rows.map(toSeal);
  }

  /**
   * The transactions whose first entry id is in (after, through], in journal order, at most `limit`, with
   * everything the seal covers. Walks the entries by id from `after` (the primary key), keeping each entry
   * that is the first of its transaction, so a block costs its own range, not the whole journal.
   */
  async transactionsFirstIn(
    manager: EntityManager,
    after: bigint,
    through: bigint,
    limit: number | null,
  ): Promise<SealedTransaction[]> {
    const firsts = (await manager.query(
      `SELECT e.transaction_id, e.id::text AS first_entry_id
         FROM ledger_entries e
        WHERE e.id > $1 AND e.id <= $2
          AND NOT EXISTS (SELECT 1 FROM ledger_entries p WHERE p.transaction_id = e.transaction_id AND p.id < e.id)
        ORDER BY e.id
        LIMIT $3`,
      [after.toString(), through.toString(), limit],
    )) as Array<{ transaction_id: string; first_entry_id: string }>;
    if (firsts.length === 0) return [];
    const ids = firsts.map((row) => row.transaction_id);
    const [transactions, entries] = await Promise.all([
      manager.query(
        `SELECT id, kind, reference, metadata::text AS metadata FROM ledger_transactions WHERE id = ANY($1::uuid[])`,
        [ids],
      ) as Promise<Array<{ id: string; kind: string; reference: string | null; metadata: string }>>,
      manager.query(
        `SELECT transaction_id, id::text, account_id, currency, amount::text
           FROM ledger_entries WHERE transaction_id = ANY($1::uuid[]) ORDER BY id`,
        [ids],
      ) as Promise<
        Array<{ transaction_id: string; id: string; account_id: string; currency: string; amount: string }>
      >,
    ]);
    const byId = new Map(transactions.map((row) => [row.id, row]));
    const entriesOf = new Map<string, SealedTransaction['entries']>();
    for (const entry of entries) {
      const list = entriesOf.get(entry.transaction_id) ?? [];
      list.push({
        id: entry.id,
        accountId: entry.account_id,
        currency: entry.currency,
        amount: entry.amount,
      });
      entriesOf.set(entry.transaction_id, list);
    }
    return firsts.map((first) => {
      const transaction = byId.get(first.transaction_id);
      return {
        id: first.transaction_id,
        // An entry whose transaction row is gone is sealed as such: a check then reports it as changed.
        kind: transaction?.kind ?? '',
        reference: transaction?.reference ?? null,
        metadata: transaction?.metadata ?? '',
        firstEntryId: first.first_entry_id,
        entries: entriesOf.get(first.transaction_id) ?? [],
      };
    });
  }

  /**
   * Appends block `seal.block`, only if it follows the latest block (a concurrent sealer that got there first
   * wins; this one then writes nothing). Returns whether it was written.
   */
  async append(manager: EntityManager, seal: Omit<LedgerSeal, 'sealedAt'>): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO ledger_seals (block, first_transaction_id, last_transaction_id, first_entry_id, last_entry_id,
                                 transaction_count, transaction_ids, transaction_digests, hash, previous_hash)
       SELECT $1, $2, $3, $4, $5, $6, $7::uuid[], $8::text[], $9, $10
        WHERE coalesce((SELECT max(block) FROM ledger_seals), 0) = $1::bigint - 1
       ON CONFLICT DO NOTHING
       RETURNING block`,
      [
        seal.block,
        seal.firstTransactionId,
        seal.lastTransactionId,
        seal.firstEntryId,
        seal.lastEntryId,
        seal.transactionCount,
        seal.transactionIds,
        seal.transactionDigests,
        seal.hash,
        seal.previousHash,
      ],
    )) as Array<{ block: string }>;
    return rows.length === 1;
  }

  /** Transactions in the journal not sealed yet (their first entry is past the sealed point). */
  async unsealedCount(manager: EntityManager, sealedThrough: bigint): Promise<number> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS unsealed
         FROM ledger_entries e
        WHERE e.id > $1
          AND NOT EXISTS (SELECT 1 FROM ledger_entries p WHERE p.transaction_id = e.transaction_id AND p.id < e.id)`,
      [sealedThrough.toString()],
    )) as Array<{ unsealed: number }>;
    return row.unsealed;
  }
}
