import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runWrites, shiftParameters, type Guard, type SqlWrite } from '#monay/shared';
import type { Hold, TransactionStatus } from '../domain/hold';
import type { EntryInput, LedgerEntry } from '../domain/journal';
import type { AccountBalance, AccountKind, LedgerAccount, SystemAccountKind } from '../domain/ledger-account';

/**
 * Every INSERT into ledger_entries filters on this: PostgreSQL evaluates the filter before the `id` default
 * (nextval), so the writing transaction has its xid before it takes an entry id. The journal sealer relies on
 * it (application/ledger-sealer.ts): a transaction holding an entry id it has not committed yet is then always
 * among the transactions the sealer waits for (its snapshot's in-progress list and the xids from its xmax to the
 * next one: transactionsInFlight). Without it, the first row of an INSERT takes its id a moment before its
 * transaction gets an xid.
 */
const XID_BEFORE_ENTRY_ID = 'pg_current_xact_id() IS NOT NULL';

interface AccountRow {
  id: string;
  owner_id: string | null;
  currency: string;
  kind: AccountKind;
  qualifier: string;
  allow_negative: boolean;
  created_at: Date;
}

interface BalanceRow {
  id: string;
  currency: string;
  posted: string;
  pending_debits: string;
}

interface HoldRow {
  id: string;
  kind: string;
  status: TransactionStatus;
  reference: string | null;
  hold_account_id: string;
  hold_counter_account_id: string;
  hold_currency: string;
  hold_amount: string;
  posted_amount: string | null;
  expires_at: Date | null;
  resolved_at: Date | null;
  created_at: Date;
}

interface EntryRow {
  id: string;
  transaction_id: string;
  account_id: string;
  currency: string;
  amount: string;
  created_at: Date;
}

const ACCOUNT_COLUMNS = 'id, owner_id, currency, kind, qualifier, allow_negative, created_at';

/**
 * The guard of every cached-balance change `d` of account `a`: `pending_debits` stays non-negative, neither
 * column leaves the range of bigint (checked in numeric, so the check itself never overflows: a change past it
 * is refused, and explained as BALANCE_LIMIT_EXCEEDED, rather than failing the statement), and, unless the
 * account may go negative, `posted - pending_debits` stays non-negative.
 */
const GUARD = `a.pending_debits::numeric + d.pending >= 0
          AND a.pending_debits::numeric + d.pending <= 9223372036854775807
          AND a.posted::numeric + d.posted BETWEEN -9223372036854775807 AND 9223372036854775807
          AND (a.allow_negative OR a.posted::numeric + d.posted - (a.pending_debits::numeric + d.pending) >= 0)`;
/**
 * The accounts a posting changes, `d`, as rows: `unnest` of the arrays, with `LIMIT n` when there are few of them.
 * The LIMIT changes nothing (there are exactly n) but tells PostgreSQL how many: its plan for any values otherwise takes
 * an array parameter to hold ten, and for ten accounts it reads all of `ledger_accounts` with a hash join, so it
 * never chose that plan and planned every posting afresh (0.3–0.6 ms each). With the count in the text its plan for
 * any values is the index lookup it plans for these, and it keeps it. Past eight accounts (a batch) the text stays
 * the same for every size, so sizes do not use up the prepared-statement names.
 */
function balanceChangeRows(first: number, count: number): string {
  const rows = `SELECT * FROM unnest($${first}::uuid[], $${first + 1}::bigint[], $${first + 2}::bigint[]) AS d(id, posted, pending)`;
  return count <= 8 ? `${rows} LIMIT ${count}` : rows;
}
const HOLD_COLUMNS =
  'id, kind, status, reference, hold_account_id, hold_counter_account_id, hold_currency, hold_amount, ' +
  'posted_amount, expires_at, resolved_at, created_at';

export interface NewTransaction {
  id: string;
  kind: string;
  reference: string | null;
  metadata: Record<string, unknown>;
}

export interface NewHold extends NewTransaction {
  accountId: string;
  counterAccountId: string;
  currency: string;
  amount: bigint;
  expiresAt: Date | null;
}

/**
 * Every statement of the ledger. Each method runs on the manager it is given (the caller's open
 * transaction, or a plain manager for reads): the ledger never opens a transaction or a connection itself.
 * Amounts travel as decimal strings (`bigint` columns come back from node-postgres as strings) and are
 * turned into `bigint` here, never into `number`.
 */
@Injectable()
export class LedgerRepository {
  /**
   * Opens the missing user wallets of `ownerId` (existing ones are left alone; concurrent opens are safe) and answers
   * them, opened now or before, in one statement. One opened by a transaction that committed after this statement
   * began is not in the answer (the statement's snapshot is older than that row): the caller reads again.
   */
  async openUserAccounts(
    tx: EntityManager,
    ownerId: string,
    accounts: { id: string; currency: string }[],
  ): Promise<LedgerAccount[]> {
    const rows = (await tx.query(
      `WITH opened AS (
         INSERT INTO ledger_accounts (id, owner_id, currency, kind, allow_negative)
         SELECT a.id, $1, a.currency, 'user_wallet', false
           FROM unnest($2::uuid[], $3::text[]) AS a(id, currency)
         ON CONFLICT ON CONSTRAINT ledger_accounts_owner_currency_kind_key DO NOTHING
         RETURNING ${ACCOUNT_COLUMNS})
       SELECT ${ACCOUNT_COLUMNS} FROM opened
       UNION ALL
       SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts
        WHERE owner_id = $1 AND currency = ANY($3::text[]) AND kind = 'user_wallet'`,
      [ownerId, accounts.map((a) => a.id), accounts.map((a) => a.currency)],
    )) as AccountRow[];
    return rows.map(toAccount);
  }

  async findUserAccounts(
    tx: EntityManager,
    ownerId: string,
    currencies?: string[],
  ): Promise<LedgerAccount[]> {
    const rows = (await tx.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts
        WHERE owner_id = $1 AND ($2::text[] IS NULL OR currency = ANY($2::text[]))
        ORDER BY currency, kind`,
      [ownerId, currencies ?? null],
    )) as AccountRow[];
    return rows.map(toAccount);
  }

  /**
   * User accounts of several owners; `settled` when the row was created by a transaction that started before
   * this one (so, being visible, it is committed: an account this transaction opened has `created_at = now()`).
   */
  async findUserAccountsOf(
    tx: EntityManager,
    ownerIds: string[],
    currencies: string[],
  ): Promise<Array<{ account: LedgerAccount; settled: boolean }>> {
    const rows = (await tx.query(
      `SELECT ${ACCOUNT_COLUMNS}, created_at < now() AS settled FROM ledger_accounts
        WHERE owner_id = ANY($1::uuid[]) AND currency = ANY($2::text[]) AND kind = 'user_wallet'`,
      [ownerIds, currencies],
    )) as Array<AccountRow & { settled: boolean }>;
    return rows.map((row) => ({ account: toAccount(row), settled: row.settled }));
  }

  /** The new system account, or undefined when it already exists (or a concurrent insert won). */
  async insertSystemAccount(
    tx: EntityManager,
    id: string,
    kind: SystemAccountKind,
    currency: string,
    qualifier: string,
  ): Promise<LedgerAccount | undefined> {
    const rows = (await tx.query(
      `INSERT INTO ledger_accounts (id, owner_id, currency, kind, qualifier, allow_negative)
       VALUES ($1, NULL, $2, $3, $4, true)
       ON CONFLICT (kind, currency, qualifier) WHERE owner_id IS NULL DO NOTHING
       RETURNING ${ACCOUNT_COLUMNS}`,
      [id, currency, kind, qualifier],
    )) as AccountRow[];
    return rows[0] && toAccount(rows[0]);
  }

  async findSystemAccount(
    tx: EntityManager,
    kind: SystemAccountKind,
    currency: string,
    qualifier: string,
  ): Promise<LedgerAccount | undefined> {
    const rows = (await tx.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts
        WHERE owner_id IS NULL AND kind = $1 AND currency = $2 AND qualifier = $3`,
      [kind, currency, qualifier],
    )) as AccountRow[];
    return rows[0] && toAccount(rows[0]);
  }

  /** Reads accounts without locking them (an account's identity, currency and kind never change). */
  async findAccounts(tx: EntityManager, ids: string[]): Promise<LedgerAccount[]> {
    const rows = (await tx.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as AccountRow[];
    return rows.map(toAccount);
  }

  /**
   * Changes accounts' cached balances in ONE guarded statement: the rows are first locked in id order
   * (`ORDER BY id FOR UPDATE`, the lock order of every ledger write), then each changes only if it passes
   * {@link GUARD}: `pending_debits` stays non-negative, both columns stay within bigint and, unless the account
   * may go negative, so does `posted - pending_debits` (checked against the row's latest version). Returns the ids that changed; an id missing from the answer
   * was refused by its guard (the caller throws, and its transaction or savepoint undoes the others).
   */
  async applyBalanceChanges(
    tx: EntityManager,
    changes: ReadonlyArray<{ accountId: string; posted: bigint; pending: bigint }>,
  ): Promise<Set<string>> {
    if (changes.length === 0) return new Set();
    const rows = (await tx.query(
      `WITH d AS (
         ${balanceChangeRows(1, changes.length)}
       ), locked AS MATERIALIZED (
         SELECT a.id FROM ledger_accounts a WHERE a.id IN (SELECT id FROM d) ORDER BY a.id FOR UPDATE
       )
       UPDATE ledger_accounts a
          SET posted = a.posted + d.posted, pending_debits = a.pending_debits + d.pending
         FROM locked l JOIN d ON d.id = l.id
        WHERE a.id = l.id
          AND ${GUARD}
       RETURNING a.id`,
      [
        changes.map((c) => c.accountId),
        changes.map((c) => c.posted.toString()),
        changes.map((c) => c.pending.toString()),
      ],
    )) as [Array<{ id: string }>, number] | Array<{ id: string }>;
    const returned = isUpdateResult(rows) ? rows[0] : rows;
    return new Set(returned.map((row) => row.id));
  }

  /** The cached columns as they are (for error details after a refused change). */
  async cachedBalance(
    tx: EntityManager,
    accountId: string,
  ): Promise<{ posted: bigint; pendingDebits: bigint } | undefined> {
    const rows = (await tx.query(
      `SELECT id, currency, posted::text, pending_debits::text FROM ledger_accounts WHERE id = $1`,
      [accountId],
    )) as BalanceRow[];
    return rows[0] && { posted: BigInt(rows[0].posted), pendingDebits: BigInt(rows[0].pending_debits) };
  }

  /**
   * A posted transaction and its entries in one statement (the foreign key from the entries is checked at
   * the end of the statement, when the transaction row exists).
   */
  async insertPostedTransaction(
    tx: EntityManager,
    transaction: NewTransaction,
    entries: readonly EntryInput[],
  ): Promise<void> {
    await tx.query(
      `WITH t AS (
         INSERT INTO ledger_transactions (id, kind, status, reference, metadata)
         VALUES ($1::uuid, $2, 'posted', $3, $4::jsonb)
       )
       INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
       SELECT $1::uuid, e.account_id, e.currency, e.amount
         FROM unnest($5::uuid[], $6::text[], $7::bigint[]) AS e(account_id, currency, amount)
        WHERE ${XID_BEFORE_ENTRY_ID}`,
      [
        transaction.id,
        transaction.kind,
        transaction.reference,
        toJson(transaction.metadata),
        ...entryArrays(entries),
      ],
    );
  }

  /**
   * {@link applyBalanceChanges} and {@link insertPostedTransaction} in ONE statement: the transaction and its
   * entries are inserted only if every balance change passed its guard. Returns the ids that changed (all of
   * them, or the transaction was not written and the caller throws). `before` (other contexts' guarded writes: an
   * idempotency claim, the limits a transfer consumes) run first, one after the other, in the same statement, and
   * nothing of the ledger's is written, no account locked, unless each returned its `rowsToProceed` rows; their rows
   * come back with the ids. `after`: other contexts' writes carried by the same statement (the transfer the posting
   * books, its event, its answer), written whether or not the posting refused: a refusal is the caller's to undo,
   * with what `before` wrote — unless `allOrNothing`: then the statement ends with `all_or_nothing()`, and a refusal
   * anywhere fails it whole (SQLSTATE {@link REFUSED_WHOLE}), so that, run outside a transaction, it wrote nothing.
   */
  async postTransaction(
    tx: EntityManager,
    changes: ReadonlyArray<{ accountId: string; posted: bigint; pending: bigint }>,
    transaction: NewTransaction,
    entries: readonly EntryInput[],
    before: readonly Guard[] = [],
    after: readonly SqlWrite[] = [],
    { allOrNothing = false } = {},
  ): Promise<{ applied: Set<string>; before: Array<Record<string, unknown>> }> {
    if (changes.length === 0) {
      if (allOrNothing) throw new Error('An all-or-nothing posting must change a cached balance');
      const beforeRows: Array<Record<string, unknown>> = [];
      let passed = true;
      for (const guard of before) {
        const rows = (await tx.query(guard.write.sql, [...guard.write.params])) as Array<
          Record<string, unknown>
        >;
        beforeRows.push(...rows);
        if (rows.length !== guard.rowsToProceed) {
          passed = false;
          break;
        }
      }
      if (passed) await this.insertPostedTransaction(tx, transaction, entries);
      await runWrites(tx, after);
      return { applied: new Set(), before: beforeRows };
    }
    const params: unknown[] = [
      changes.map((c) => c.accountId),
      changes.map((c) => c.posted.toString()),
      changes.map((c) => c.pending.toString()),
      transaction.id,
      transaction.kind,
      transaction.reference,
      toJson(transaction.metadata),
      ...entryArrays(entries),
    ];
    // `before` first, in order (a CASE evaluates the next guard only once the previous passed): the accounts are
    // locked only once they all passed (the order of every claim-then-limits-then-ledger write).
    const prelude = before.map((guard, index) => {
      const offset = params.length;
      params.push(...guard.write.params);
      return `g${index} AS (${shiftParameters(guard.write.sql, offset)}), `;
    });
    const passed = before.map((guard, index) => {
      params.push(guard.rowsToProceed);
      return `(SELECT count(*) FROM g${index}) = $${params.length}`;
    });
    const gate = passed.length
      ? `AND ${passed.reduceRight((rest, test) => `CASE WHEN ${test} THEN ${rest} ELSE false END`)}`
      : '';
    // `after` as CTEs of their own, behind the ledger's.
    const carried = after.map((write, index) => {
      const offset = params.length;
      params.push(...write.params);
      return `, a${index} AS (${shiftParameters(write.sql, offset)})`;
    });
    const answer = allOrNothing
      ? 'SELECT all_or_nothing((SELECT count(*) FROM changed) = cardinality($1::uuid[])) AS passed'
      : [
          'SELECT id, NULL::json AS before FROM changed',
          ...before.map((_, index) => `SELECT NULL, row_to_json(g) FROM g${index} g`),
        ].join(' UNION ALL ');
    const rows = (await tx.query(
      `WITH ${prelude.join('')}d AS (
         ${balanceChangeRows(1, changes.length)}
       ), locked AS MATERIALIZED (
         SELECT a.id FROM ledger_accounts a WHERE a.id IN (SELECT id FROM d) ${gate} ORDER BY a.id FOR UPDATE
       ), changed AS (
         UPDATE ledger_accounts a
            SET posted = a.posted + d.posted, pending_debits = a.pending_debits + d.pending
           FROM locked l JOIN d ON d.id = l.id
          WHERE a.id = l.id
            AND ${GUARD}
         RETURNING a.id
       ), txn AS (
         INSERT INTO ledger_transactions (id, kind, status, reference, metadata)
         SELECT $4::uuid, $5, 'posted', $6, $7::jsonb
          WHERE (SELECT count(*) FROM changed) = cardinality($1::uuid[])
       ), lines AS (
         INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
         SELECT $4::uuid, e.account_id, e.currency, e.amount
           FROM unnest($8::uuid[], $9::text[], $10::bigint[]) AS e(account_id, currency, amount)
          WHERE (SELECT count(*) FROM changed) = cardinality($1::uuid[]) AND ${XID_BEFORE_ENTRY_ID}
       )${carried.join('')}
       ${answer}`,
      params,
    )) as Array<{ id?: string | null; before?: Record<string, unknown> | null }>;
    if (allOrNothing) return { applied: new Set(changes.map((c) => c.accountId)), before: [] };
    return {
      applied: new Set(rows.filter((row) => row.id).map((row) => row.id as string)),
      before: rows.filter((row) => row.before).map((row) => row.before as Record<string, unknown>),
    };
  }

  /** Locks the accounts until the transaction ends, in id order (the lock order of every ledger write). */
  async lockAccounts(tx: EntityManager, ids: readonly string[]): Promise<void> {
    await tx.query(`SELECT id FROM ledger_accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
  }

  /** Holds as pending ledger transactions, in one statement whatever their number. */
  async insertHolds(tx: EntityManager, holds: readonly NewHold[]): Promise<void> {
    if (holds.length === 0) return;
    await tx.query(
      `INSERT INTO ledger_transactions
         (id, kind, status, reference, metadata, hold_account_id, hold_counter_account_id, hold_currency,
          hold_amount, expires_at)
       SELECT h.id, h.kind, 'pending', h.reference, h.metadata::jsonb, h.account_id, h.counter_account_id, h.currency,
              h.amount, h.expires_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::bigint[],
                     $9::timestamptz[])
              AS h(id, kind, reference, metadata, account_id, counter_account_id, currency, amount, expires_at)`,
      [
        holds.map((hold) => hold.id),
        holds.map((hold) => hold.kind),
        holds.map((hold) => hold.reference),
        holds.map((hold) => toJson(hold.metadata)),
        holds.map((hold) => hold.accountId),
        holds.map((hold) => hold.counterAccountId),
        holds.map((hold) => hold.currency),
        holds.map((hold) => hold.amount.toString()),
        holds.map((hold) => hold.expiresAt),
      ],
    );
  }

  /**
   * Locks a hold's row until the caller's transaction ends, so concurrent post/void/expiry of one hold
   * resolve one after the other (and all but the first see it resolved). Also returns the database clock.
   */
  async lockHold(tx: EntityManager, holdId: string): Promise<{ hold: Hold; now: Date } | undefined> {
    const rows = (await tx.query(
      `SELECT ${HOLD_COLUMNS}, statement_timestamp() AS now FROM ledger_transactions
        WHERE id = $1 AND hold_account_id IS NOT NULL
        FOR UPDATE`,
      [holdId],
    )) as Array<HoldRow & { now: Date }>;
    return rows[0] && { hold: toHold(rows[0]), now: rows[0].now };
  }

  async findHold(tx: EntityManager, holdId: string): Promise<Hold | undefined> {
    const rows = (await tx.query(
      `SELECT ${HOLD_COLUMNS} FROM ledger_transactions WHERE id = $1 AND hold_account_id IS NOT NULL`,
      [holdId],
    )) as HoldRow[];
    return rows[0] && toHold(rows[0]);
  }

  /** Pending holds due at `now`, oldest first, locked; holds another transaction is resolving are skipped. */
  async lockPastDueHolds(tx: EntityManager, now: Date, limit: number): Promise<Hold[]> {
    const rows = (await tx.query(
      `SELECT ${HOLD_COLUMNS} FROM ledger_transactions
        WHERE status = 'pending' AND expires_at <= $1
        ORDER BY expires_at, id
        LIMIT $2
        FOR UPDATE SKIP LOCKED`,
      [now, limit],
    )) as HoldRow[];
    return rows.map(toHold);
  }

  async insertEntries(
    tx: EntityManager,
    transactionId: string,
    entries: readonly EntryInput[],
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ledger_entries (transaction_id, account_id, currency, amount)
       SELECT $1::uuid, e.account_id, e.currency, e.amount
         FROM unnest($2::uuid[], $3::text[], $4::bigint[]) AS e(account_id, currency, amount)
        WHERE ${XID_BEFORE_ENTRY_ID}`,
      [transactionId, ...entryArrays(entries)],
    );
  }

  async markHoldPosted(tx: EntityManager, holdId: string, postedAmount: bigint): Promise<void> {
    await tx.query(
      `UPDATE ledger_transactions
          SET status = 'posted', posted_amount = $2::bigint, resolved_at = statement_timestamp()
        WHERE id = $1 AND status = 'pending'`,
      [holdId, postedAmount.toString()],
    );
  }

  /** Voided or expired at `at` (default: the database clock). */
  async markHoldsReleased(
    tx: EntityManager,
    holdIds: string[],
    status: 'voided' | 'expired',
    at?: Date,
  ): Promise<void> {
    await tx.query(
      `UPDATE ledger_transactions
          SET status = $2, resolved_at = coalesce($3::timestamptz, statement_timestamp())
        WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [holdIds, status, at ?? null],
    );
  }

  /** User accounts' cached balances (a user account's balance is its cached row, kept equal to its entries). */
  async ownerBalances(tx: EntityManager, ownerId: string): Promise<AccountBalance[]> {
    const rows = (await tx.query(
      `SELECT id, currency, posted::text, pending_debits::text FROM ledger_accounts
        WHERE owner_id = $1 ORDER BY currency, kind`,
      [ownerId],
    )) as BalanceRow[];
    return rows.map(toBalance);
  }

  /** {@link ownerBalances} of several owners in one statement, by owner id (lower case); an owner with none is absent. */
  async ownersBalances(
    tx: EntityManager,
    ownerIds: ReadonlyArray<string>,
  ): Promise<Map<string, AccountBalance[]>> {
    const rows = (await tx.query(
      `SELECT owner_id, id, currency, posted::text, pending_debits::text FROM ledger_accounts
        WHERE owner_id = ANY($1::uuid[]) ORDER BY owner_id, currency, kind`,
      [ownerIds],
    )) as Array<BalanceRow & { owner_id: string }>;
    const byOwner = new Map<string, AccountBalance[]>();
    for (const row of rows) {
      const owner = row.owner_id.toLowerCase();
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), toBalance(row)]);
    }
    return byOwner;
  }

  /** Every user account's posted balance (reconciliation against the read models). */
  async allUserPosted(
    tx: EntityManager,
  ): Promise<Array<{ ownerId: string; currency: string; posted: bigint }>> {
    const rows = (await tx.query(
      `SELECT owner_id, currency, posted::text AS posted FROM ledger_accounts WHERE kind = 'user_wallet' ORDER BY owner_id, currency`,
    )) as Array<{ owner_id: string; currency: string; posted: string }>;
    return rows.map((row) => ({ ownerId: row.owner_id, currency: row.currency, posted: BigInt(row.posted) }));
  }

  /** One account's balance: cached for user accounts, the sum of its entries for system accounts. */
  async accountBalance(tx: EntityManager, accountId: string): Promise<AccountBalance | undefined> {
    const rows = (await tx.query(
      `SELECT a.id, a.currency, a.pending_debits::text,
              (CASE WHEN a.owner_id IS NOT NULL THEN a.posted
                    ELSE (SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)
               END)::text AS posted
         FROM ledger_accounts a WHERE a.id = $1`,
      [accountId],
    )) as BalanceRow[];
    return rows[0] && toBalance(rows[0]);
  }

  /** Σ entries of a system account (0 if it was never opened). */
  async systemBalance(
    tx: EntityManager,
    kind: SystemAccountKind,
    currency: string,
    qualifier: string,
  ): Promise<bigint> {
    const [row] = (await tx.query(
      `SELECT coalesce(sum(e.amount), 0)::text AS total
         FROM ledger_accounts a JOIN ledger_entries e ON e.account_id = a.id
        WHERE a.owner_id IS NULL AND a.kind = $1 AND a.currency = $2 AND a.qualifier = $3`,
      [kind, currency, qualifier],
    )) as Array<{ total: string }>;
    return BigInt(row.total);
  }

  async entriesOf(tx: EntityManager, transactionId: string): Promise<LedgerEntry[]> {
    const rows = (await tx.query(
      `SELECT id::text, transaction_id, account_id, currency, amount::text, created_at
         FROM ledger_entries e WHERE e.transaction_id = $1 ORDER BY e.id`,
      [transactionId],
    )) as EntryRow[];
    return rows.map((row) => ({
      id: row.id,
      transactionId: row.transaction_id,
      accountId: row.account_id,
      currency: row.currency,
      amount: BigInt(row.amount),
      createdAt: row.created_at,
    }));
  }
}

/** node-postgres via TypeORM answers `[rows, affected]` for UPDATE … RETURNING. */
function isUpdateResult(result: unknown[]): result is [Array<{ id: string }>, number] {
  return result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}

function toAccount(row: AccountRow): LedgerAccount {
  return Object.freeze({
    id: row.id,
    ownerId: row.owner_id,
    currency: row.currency,
    kind: row.kind,
    qualifier: row.qualifier,
    allowNegative: row.allow_negative,
    createdAt: row.created_at,
  });
}

function toBalance(row: BalanceRow): AccountBalance {
  const posted = BigInt(row.posted);
  const pendingDebits = BigInt(row.pending_debits);
  return {
    accountId: row.id,
    currency: row.currency,
    posted,
    pendingDebits,
    available: posted - pendingDebits,
  };
}

function toHold(row: HoldRow): Hold {
  return {
    id: row.id,
    status: row.status,
    kind: row.kind,
    reference: row.reference,
    accountId: row.hold_account_id,
    counterAccountId: row.hold_counter_account_id,
    currency: row.hold_currency,
    amount: BigInt(row.hold_amount),
    postedAmount: row.posted_amount === null ? null : BigInt(row.posted_amount),
    expiresAt: row.expires_at,
    resolvedAt: row.resolved_at,
    createdAt: row.created_at,
  };
}

function entryArrays(entries: readonly EntryInput[]): [string[], string[], string[]] {
  return [
    entries.map((e) => e.accountId),
    entries.map((e) => e.currency),
    entries.map((e) => e.amount.toString()),
  ];
}

/** Metadata as JSON; a bigint in it (an amount) is written as its decimal string. */
function toJson(metadata: Record<string, unknown>): string {
  return JSON.stringify(metadata, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}
