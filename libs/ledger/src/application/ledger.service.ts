import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { newId, refusedWhole, type Guard, type GuardedWrite, type SqlWrite } from '#monay/shared';
import { assertVoidable, settleHold, type Hold } from '../domain/hold';
import { assertBalanced, netByAccount, type EntryInput, type LedgerEntry } from '../domain/journal';
import {
  keepsCachedBalance,
  type AccountBalance,
  type LedgerAccount,
  type LedgerTransactionKind,
  type SystemAccountKind,
} from '../domain/ledger-account';
import {
  AccountNotFoundError,
  BalanceLimitExceededError,
  CurrencyMismatchError,
  HoldNotFoundError,
  InsufficientFundsError,
  InvalidHoldAmountError,
  LedgerAmountOutOfRangeError,
  MAX_LEDGER_AMOUNT,
  UnbalancedTransactionError,
} from '../domain/ledger.errors';
import { LedgerRepository, type NewHold } from '../infrastructure/ledger.repository';

export interface PostTransactionInput {
  /** The transaction's id, when the caller names it in writes of its own carried by the posting; else a new one. */
  id?: string;
  kind: LedgerTransactionKind;
  /** The business id this transaction belongs to (a transfer id, say). */
  reference?: string;
  metadata?: Record<string, unknown>;
  /** Signed minor units, summing to zero per currency: negative debits an account, positive credits it. */
  entries: readonly EntryInput[];
}

export interface PlaceHoldInput {
  /** The hold's id (its ledger transaction's), when the caller names it beforehand; a new one otherwise. */
  id?: string;
  /** The account whose funds are reserved (debited when the hold is posted). */
  accountId: string;
  /** The account credited when the hold is posted. */
  counterAccountId: string;
  currency: string;
  /** Minor units, positive. */
  amount: bigint;
  kind: LedgerTransactionKind;
  reference?: string;
  /** After this, the hold can no longer be posted, and the expiry job voids it (status 'expired'). */
  expiresAt?: Date;
  metadata?: Record<string, unknown>;
}

interface BalanceChange {
  account: LedgerAccount;
  posted: bigint;
  pending: bigint;
}

const SETTLED_ACCOUNTS_MAX = 100_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ledger's use cases: the source of truth for money (DESIGN.md, Ledger).
 *
 * Every operation takes the caller's open transaction (`tx`) first, so that a use case composes its ledger
 * writes with its own rows, limit counters, idempotency record and outbox events in ONE database transaction.
 * The ledger never opens a transaction of its own and never uses a second connection: a second connection
 * waiting while the caller's transaction is open deadlocks the embedded PGlite, and is a bug on PostgreSQL.
 *
 * Concurrency:
 * - A debit is one guarded `UPDATE … WHERE posted - pending_debits + amount >= 0` of the account row, which
 *   both checks and takes the row lock: two concurrent debits can never both pass on the same funds.
 * - A transaction touches user accounts in a fixed order (sorted by id), so two opposite transfers between
 *   the same accounts cannot deadlock. A caller that composes several ledger calls in one transaction owns
 *   the order across them.
 * - System accounts (fees, provider clearing, swap pool, …) are hot: every transfer would queue behind one
 *   row lock. They may go negative, their row is never updated per transfer, and their balance is derived
 *   from their entries (their cached `posted` stays 0). Only user accounts keep a cached, locked balance.
 */
@Injectable()
export class LedgerService {
  /** System accounts known to be committed; they never change once created. */
  private readonly systemAccounts = new Map<string, LedgerAccount>();
  /**
   * User accounts known to be committed (they never change and are never deleted), by id and by
   * `${ownerId}:${currency}`: a transfer between known users reads no account row. Bounded: cleared when full.
   */
  private readonly settledAccounts = new Map<string, LedgerAccount>();
  private readonly settledUserAccountIds = new Map<string, string>();
  /**
   * Accounts read in an open transaction, by id, for the rest of that transaction (an account's identity,
   * currency and kind never change): a transfer looks its accounts up by owner, then posts to them by id.
   */
  private readonly readInTransaction = new WeakMap<object, Map<string, LedgerAccount>>();
  /** Keys of system accounts this service inserted in a transaction that may still roll back. */
  private readonly insertedUncommitted = new WeakMap<object, Set<string>>();

  constructor(private readonly repository: LedgerRepository) {}

  /** The owner's wallet account in each currency, opened if missing (idempotent), in the order asked. */
  async openUserAccounts(tx: EntityManager, ownerId: string, currencies: string[]): Promise<LedgerAccount[]> {
    const wanted = [...new Set(currencies)];
    if (wanted.length === 0) return [];
    const missing = [...wanted].sort().map((currency) => ({ id: newId(), currency }));
    let accounts = await this.repository.openUserAccounts(tx, ownerId, missing);
    if (
      wanted.some((currency) => !accounts.some((a) => a.currency === currency && a.kind === 'user_wallet'))
    ) {
      // Opened by another transaction that committed while this statement ran: a new statement sees it.
      accounts = await this.repository.findUserAccounts(tx, ownerId, wanted);
    }
    return wanted.map((currency) => {
      const account = accounts.find((a) => a.currency === currency && a.kind === 'user_wallet');
      if (!account) throw new Error(`Ledger account of ${ownerId} in ${currency} was not opened`);
      return account;
    });
  }

  /**
   * The system account of this kind, currency and qualifier (a provider's name for its clearing account),
   * created on first use. Its id is cached once it is known to be committed: an account created in a
   * transaction that then rolls back must not be remembered.
   */
  async systemAccount(
    tx: EntityManager,
    kind: SystemAccountKind,
    currency: string,
    qualifier = '',
  ): Promise<LedgerAccount> {
    const key = `${kind}\u0000${currency}\u0000${qualifier}`;
    const cached = this.systemAccounts.get(key);
    if (cached) return cached;
    const transaction = tx.queryRunner?.isTransactionActive ? tx.queryRunner : undefined;
    const created = await this.repository.insertSystemAccount(tx, newId(), kind, currency, qualifier);
    if (created) {
      if (transaction) this.uncommittedIn(transaction).add(key);
      else this.systemAccounts.set(key, created);
      return created;
    }
    // Already there. ON CONFLICT waited for any other inserter to finish, so the row is committed, unless it
    // was inserted earlier in this very transaction.
    const existing = await this.repository.findSystemAccount(tx, kind, currency, qualifier);
    if (!existing) throw new Error(`System account ${kind}/${currency}/${qualifier} is not visible`);
    if (!transaction || !this.insertedUncommitted.get(transaction)?.has(key))
      this.systemAccounts.set(key, existing);
    return existing;
  }

  /**
   * Posts a balanced transaction. User accounts are debited by guarded updates, in id order (refused with
   * {@link InsufficientFundsError} if available funds would go below zero) and credited on their cached
   * balance; system accounts get entries only. Nothing is written unless everything is.
   *
   * `before`: another context's guarded write carried by the same statement, first (a transfer's limits, so that
   * limits and ledger cost one round trip): the ledger writes nothing unless it passed in full, and its refusal is
   * thrown (by its `check`) before any of the ledger's. What it wrote when it refused in part is the caller's to
   * undo (a savepoint), as when the ledger refuses after it.
   *
   * `after`: other contexts' writes carried by the same statement, behind the ledger's (the transfer it books, with
   * its event and its idempotent answer: one round trip for the whole movement). They are written even when the
   * posting refuses; the refusal is thrown and the caller undoes them with the rest (its savepoint).
   */
  async post(
    tx: EntityManager,
    input: PostTransactionInput,
    before?: GuardedWrite,
    after: readonly SqlWrite[] = [],
  ): Promise<{ transactionId: string }> {
    const { changes, entries, transaction } = await this.posting(tx, input);
    const result = await this.repository.postTransaction(
      tx,
      changes.map(({ account, posted, pending }) => ({ accountId: account.id, posted, pending })),
      transaction,
      entries,
      before ? [before] : [],
      after,
    );
    if (before) {
      await before.check(tx, result.before);
      if (result.before.length !== before.rowsToProceed) {
        throw new Error('A guarded write refused but its check did not say why');
      }
    }
    await this.explainRefusals(tx, changes, result.applied);
    return { transactionId: transaction.id };
  }

  /**
   * {@link post} as ONE autocommit statement, all or nothing: the `guards` (an idempotency claim, then a transfer's
   * limits) pass one after the other, then the balances move and the transaction, its entries and the `after` writes
   * are written — or, when anything refused, the statement fails and writes nothing, and the answer is false: the
   * caller then takes the path that explains the refusal ({@link post} in a transaction). `manager` must not be in a
   * transaction (the statement's own is the movement's). A posting that moves no cached balance answers false.
   */
  async postAtOnce(
    manager: EntityManager,
    input: PostTransactionInput,
    guards: readonly Guard[],
    after: readonly SqlWrite[] = [],
  ): Promise<boolean> {
    if (manager.queryRunner?.isTransactionActive) {
      throw new Error('postAtOnce runs as its own transaction: call it outside one');
    }
    const { changes, entries, transaction } = await this.posting(manager, input);
    if (changes.length === 0) return false;
    try {
      await this.repository.postTransaction(
        manager,
        changes.map(({ account, posted, pending }) => ({ accountId: account.id, posted, pending })),
        transaction,
        entries,
        guards,
        after,
        { allOrNothing: true },
      );
      return true;
    } catch (error) {
      if (refusedWhole(error)) return false;
      throw error;
    }
  }

  /** A balanced posting's entries (canonical ids, currencies checked), its cached-balance changes in id order. */
  private async posting(tx: EntityManager, input: PostTransactionInput) {
    assertBalanced(input.entries);
    const entries = input.entries.map((entry) => ({ ...entry, accountId: canonicalId(entry.accountId) }));
    const accounts = await this.loadAccounts(
      tx,
      entries.map((entry) => entry.accountId),
    );
    for (const entry of entries) assertCurrency(accounts.get(entry.accountId), entry.currency);
    const changes: BalanceChange[] = [];
    for (const [accountId, net] of netByAccount(entries)) {
      const account = this.account(accounts, accountId);
      if (keepsCachedBalance(account) && net !== 0n) changes.push({ account, posted: net, pending: 0n });
    }
    return {
      entries,
      // Guarded balance changes, locked in id order; the transaction and its entries written only if all passed.
      changes: inIdOrder(changes),
      transaction: {
        id: input.id ?? newId(),
        kind: input.kind,
        reference: input.reference ?? null,
        metadata: input.metadata ?? {},
      },
    };
  }

  /** Reserves `amount` on the account at once (it counts against available balance), pending a post or void. */
  async placeHold(tx: EntityManager, input: PlaceHoldInput): Promise<{ holdId: string }> {
    const [hold] = await this.placeHolds(tx, [input]);
    return hold;
  }

  /**
   * {@link placeHold} for each of `inputs`, with the same effect as one after another (each hold only adds to what
   * its account has reserved, so the sum passes the funds guard exactly when each would have), in three statements
   * whatever their number: the accounts read, each account's reservation moved once, the holds written.
   */
  async placeHolds(tx: EntityManager, inputs: readonly PlaceHoldInput[]): Promise<Array<{ holdId: string }>> {
    const holds: NewHold[] = inputs.map((input) => {
      if (input.amount <= 0n) throw new InvalidHoldAmountError(input.amount, input.currency);
      if (input.amount > MAX_LEDGER_AMOUNT) throw new LedgerAmountOutOfRangeError(input.currency);
      const accountId = canonicalId(input.accountId);
      const counterAccountId = canonicalId(input.counterAccountId);
      if (accountId === counterAccountId) {
        throw new UnbalancedTransactionError('a hold moves money between two different accounts');
      }
      return {
        id: input.id ?? newId(),
        kind: input.kind,
        reference: input.reference ?? null,
        metadata: input.metadata ?? {},
        accountId,
        counterAccountId,
        currency: input.currency,
        amount: input.amount,
        expiresAt: input.expiresAt ?? null,
      };
    });
    if (holds.length === 0) return [];
    const accounts = await this.loadAccounts(
      tx,
      holds.flatMap((hold) => [hold.accountId, hold.counterAccountId]),
    );
    const reserved = new Map<string, bigint>();
    for (const hold of holds) {
      assertCurrency(this.account(accounts, hold.accountId), hold.currency);
      assertCurrency(this.account(accounts, hold.counterAccountId), hold.currency);
      reserved.set(hold.accountId, (reserved.get(hold.accountId) ?? 0n) + hold.amount);
    }
    await this.applyInOrder(
      tx,
      [...reserved].map(([accountId, pending]) => ({
        account: this.account(accounts, accountId),
        posted: 0n,
        pending,
      })),
    );
    await this.repository.insertHolds(tx, holds);
    return holds.map((hold) => ({ holdId: hold.id }));
  }

  /**
   * Posts a pending hold for `amount` (default: all of it, never more), releasing the rest: the account is
   * debited and the counter account credited. A hold resolves once: posted, voided or expired holds refuse.
   */
  async postHold(
    tx: EntityManager,
    holdId: string,
    amount?: bigint,
  ): Promise<{ holdId: string; postedAmount: bigint; releasedAmount: bigint }> {
    const { hold, now } = await this.lockHold(tx, holdId);
    const { post, release } = settleHold(hold, amount, now);
    const accounts = await this.loadAccounts(tx, [hold.accountId, hold.counterAccountId]);
    const debited = this.account(accounts, hold.accountId);
    const credited = this.account(accounts, hold.counterAccountId);
    await this.applyInOrder(tx, [
      { account: debited, posted: keepsCachedBalance(debited) ? -post : 0n, pending: -hold.amount },
      { account: credited, posted: keepsCachedBalance(credited) ? post : 0n, pending: 0n },
    ]);
    await this.repository.insertEntries(tx, hold.id, [
      { accountId: debited.id, currency: hold.currency, amount: -post },
      { accountId: credited.id, currency: hold.currency, amount: post },
    ]);
    await this.repository.markHoldPosted(tx, hold.id, post);
    return { holdId: hold.id, postedAmount: post, releasedAmount: release };
  }

  /** Releases a pending hold in full (status 'voided'). */
  async voidHold(tx: EntityManager, holdId: string): Promise<{ holdId: string; releasedAmount: bigint }> {
    const { hold } = await this.lockHold(tx, holdId);
    assertVoidable(hold);
    const accounts = await this.loadAccounts(tx, [hold.accountId]);
    await this.applyInOrder(tx, [
      { account: this.account(accounts, hold.accountId), posted: 0n, pending: -hold.amount },
    ]);
    await this.repository.markHoldsReleased(tx, [hold.id], 'voided');
    return { holdId: hold.id, releasedAmount: hold.amount };
  }

  /**
   * Voids, as 'expired', up to `limit` pending holds whose expiry is at or before `now`; returns how many.
   * Holds being posted or voided by another transaction right now are skipped (they resolve there).
   */
  async expireHolds(tx: EntityManager, now: Date, limit: number): Promise<number> {
    const holds = await this.repository.lockPastDueHolds(tx, now, limit);
    if (holds.length === 0) return 0;
    const released = new Map<string, bigint>();
    for (const hold of holds)
      released.set(hold.accountId, (released.get(hold.accountId) ?? 0n) + hold.amount);
    const accounts = await this.loadAccounts(tx, [...released.keys()]);
    await this.applyInOrder(
      tx,
      [...released].map(([accountId, amount]) => ({
        account: this.account(accounts, accountId),
        posted: 0n,
        pending: -amount,
      })),
    );
    await this.repository.markHoldsReleased(
      tx,
      holds.map((hold) => hold.id),
      'expired',
      now,
    );
    return holds.length;
  }

  /** The owner's accounts with their balances (in minor units). Works with a transaction or a plain manager. */
  balances(manager: EntityManager, ownerId: string): Promise<AccountBalance[]> {
    return this.repository.ownerBalances(manager, ownerId);
  }

  /** {@link balances} of several owners in one read, by owner id (lower case); an owner with no account is absent. */
  balancesOfOwners(
    manager: EntityManager,
    ownerIds: ReadonlyArray<string>,
  ): Promise<Map<string, AccountBalance[]>> {
    return this.repository.ownersBalances(manager, ownerIds);
  }

  /** Every user account's posted balance, for reconciliation. */
  allUserPosted(
    manager: EntityManager,
  ): Promise<Array<{ ownerId: string; currency: string; posted: bigint }>> {
    return this.repository.allUserPosted(manager);
  }

  accountsOf(manager: EntityManager, ownerId: string): Promise<LedgerAccount[]> {
    return this.repository.findUserAccounts(manager, ownerId);
  }

  /**
   * Locks `ownerId`'s existing accounts in `currencies` until the transaction ends (id order, as a posting locks
   * them). For a movement refused after its savepoint undid the posting (and its locks): what it then records (the
   * failure and its event) takes its place in the owner's journal after every movement committed on those accounts
   * before it, as the posting would have: outbox order and commit order stay the same for the owner.
   */
  async lockUserAccounts(manager: EntityManager, ownerId: string, currencies: string[]): Promise<void> {
    const ids = await this.userAccountIds(manager, [ownerId], currencies);
    if (ids.size > 0) await this.repository.lockAccounts(manager, [...ids.values()]);
  }

  /**
   * The ids of existing user accounts of several owners in several currencies, keyed `${ownerId}:${currency}`
   * (one query for a batch transfer's legs). Opens nothing: a missing pair is simply absent from the map.
   */
  async userAccountIds(
    manager: EntityManager,
    ownerIds: string[],
    currencies: string[],
  ): Promise<Map<string, string>> {
    const owners = [...new Set(ownerIds)].filter((id) => UUID.test(id));
    const wanted = [...new Set(currencies)];
    const ids = new Map<string, string>();
    for (const owner of owners) {
      for (const currency of wanted) {
        const id = this.settledUserAccountIds.get(`${owner}:${currency}`);
        if (id) ids.set(`${owner}:${currency}`, id);
      }
    }
    if (ids.size === owners.length * wanted.length) return ids;
    const rows = owners.length ? await this.repository.findUserAccountsOf(manager, owners, wanted) : [];
    const transaction = manager.queryRunner?.isTransactionActive ? manager.queryRunner : undefined;
    let known = transaction && this.readInTransaction.get(transaction);
    if (transaction && !known) this.readInTransaction.set(transaction, (known = new Map()));
    if (this.settledAccounts.size > SETTLED_ACCOUNTS_MAX) {
      this.settledAccounts.clear();
      this.settledUserAccountIds.clear();
    }
    for (const { account, settled } of rows) {
      const key = `${account.ownerId}:${account.currency}`;
      ids.set(key, account.id);
      known?.set(account.id, account);
      if (settled || !transaction) {
        this.settledAccounts.set(account.id, account);
        this.settledUserAccountIds.set(key, account.id);
      }
    }
    return ids;
  }

  /** Any account's balance: the cached one for a user account, Σ entries for a system account. */
  async balanceOf(manager: EntityManager, accountId: string): Promise<AccountBalance> {
    const balance = UUID.test(accountId)
      ? await this.repository.accountBalance(manager, accountId)
      : undefined;
    if (!balance) throw new AccountNotFoundError(accountId);
    return balance;
  }

  /** A system account's balance: the sum of its entries (0 if it was never used). */
  systemBalance(
    manager: EntityManager,
    currency: string,
    kind: SystemAccountKind,
    qualifier = '',
  ): Promise<bigint> {
    return this.repository.systemBalance(manager, kind, currency, qualifier);
  }

  /** The entries of a transaction (or posted hold), in the order they were written. */
  async transactionEntries(manager: EntityManager, transactionId: string): Promise<LedgerEntry[]> {
    return UUID.test(transactionId) ? this.repository.entriesOf(manager, transactionId) : [];
  }

  async getHold(manager: EntityManager, holdId: string): Promise<Hold> {
    const hold = UUID.test(holdId) ? await this.repository.findHold(manager, holdId) : undefined;
    if (!hold) throw new HoldNotFoundError(holdId);
    return hold;
  }

  private async lockHold(tx: EntityManager, holdId: string): Promise<{ hold: Hold; now: Date }> {
    const locked = UUID.test(holdId) ? await this.repository.lockHold(tx, holdId.toLowerCase()) : undefined;
    if (!locked) throw new HoldNotFoundError(holdId);
    return locked;
  }

  private async loadAccounts(tx: EntityManager, ids: string[]): Promise<Map<string, LedgerAccount>> {
    const unique = [...new Set(ids)];
    const invalid = unique.find((id) => !UUID.test(id));
    if (invalid !== undefined) throw new AccountNotFoundError(invalid);
    const known = tx.queryRunner?.isTransactionActive
      ? this.readInTransaction.get(tx.queryRunner)
      : undefined;
    const accounts = new Map<string, LedgerAccount>();
    for (const id of unique) {
      const account = this.settledAccounts.get(id) ?? known?.get(id);
      if (account) accounts.set(id, account);
    }
    const toRead = unique.filter((id) => !accounts.has(id));
    if (toRead.length > 0) {
      for (const account of await this.repository.findAccounts(tx, toRead)) accounts.set(account.id, account);
    }
    const missing = unique.find((id) => !accounts.has(id));
    if (missing !== undefined) throw new AccountNotFoundError(missing);
    return accounts;
  }

  private account(accounts: Map<string, LedgerAccount>, id: string): LedgerAccount {
    const account = accounts.get(id);
    if (!account) throw new AccountNotFoundError(id);
    return account;
  }

  /**
   * Applies cached-balance changes in account id order (the lock order of every ledger write). A refused
   * change that would reduce available funds is an {@link InsufficientFundsError}; the caller's transaction
   * is then rolled back by the caller, with everything else it wrote.
   */
  private async applyInOrder(tx: EntityManager, changes: BalanceChange[]): Promise<void> {
    const ordered = inIdOrder(changes);
    if (ordered.length === 0) return;
    // One round trip whatever the number of accounts: locked in id order, each change guarded.
    const applied = await this.repository.applyBalanceChanges(
      tx,
      ordered.map(({ account, posted, pending }) => ({ accountId: account.id, posted, pending })),
    );
    await this.explainRefusals(tx, ordered, applied);
  }

  /**
   * Throws for the first change (in id order) its guard refused: a balance or a pending amount its column could
   * not hold, funds, or cached balances out of step.
   */
  private async explainRefusals(
    tx: EntityManager,
    ordered: BalanceChange[],
    applied: Set<string>,
  ): Promise<void> {
    for (const { account, posted, pending } of ordered) {
      if (applied.has(account.id)) continue;
      const current = await this.repository.cachedBalance(tx, account.id);
      if (!current) throw new AccountNotFoundError(account.id);
      const postedAfter = current.posted + posted;
      const pendingAfter = current.pendingDebits + pending;
      if (
        postedAfter > MAX_LEDGER_AMOUNT ||
        postedAfter < -MAX_LEDGER_AMOUNT ||
        pendingAfter > MAX_LEDGER_AMOUNT
      ) {
        throw new BalanceLimitExceededError(account.currency);
      }
      if (current.pendingDebits + pending >= 0n && posted - pending < 0n) {
        throw new InsufficientFundsError(
          account.id,
          account.currency,
          current.posted - current.pendingDebits,
        );
      }
      throw new Error(
        `Ledger account ${account.id}: pending debits ${current.pendingDebits} cannot release ${-pending} ` +
          '(cached balances disagree with the holds; run the ledger check)',
      );
    }
  }

  private uncommittedIn(transaction: object): Set<string> {
    let keys = this.insertedUncommitted.get(transaction);
    if (!keys) {
      keys = new Set();
      this.insertedUncommitted.set(transaction, keys);
    }
    return keys;
  }
}

/** The changes that change something, in account id order (the lock order of every ledger write). */
function inIdOrder(changes: BalanceChange[]): BalanceChange[] {
  return changes
    .filter(({ posted, pending }) => posted !== 0n || pending !== 0n)
    .sort((a, b) => (a.account.id < b.account.id ? -1 : a.account.id > b.account.id ? 1 : 0));
}

function canonicalId(id: string): string {
  if (!UUID.test(id)) throw new AccountNotFoundError(id);
  return id.toLowerCase();
}

function assertCurrency(account: LedgerAccount | undefined, currency: string): void {
  if (account && account.currency !== currency) {
    throw new CurrencyMismatchError(account.id, account.currency, currency);
  }
}
