import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { itRacesOnPostgres, openTestDataSource, type TestDataSource } from '../../../shared/src/testing';
import type { LedgerAccount } from '../domain/ledger-account';
import {
  AccountNotFoundError,
  CurrencyMismatchError,
  InsufficientFundsError,
  UnbalancedTransactionError,
} from '../domain/ledger.errors';
import { createLedgerService, deposit, openWallet, units } from '../testing';
import type { LedgerService } from './ledger.service';
import { verifyLedger, type LedgerReport } from './verify-ledger';

class RolledBack extends Error {}

describe('the ledger is append-only and its invariants are checked', () => {
  let db: TestDataSource;
  let ledger: LedgerService;
  let alice: LedgerAccount;
  let bob: LedgerAccount;
  let depositId: string;

  beforeAll(async () => {
    db = await openTestDataSource([], 4);
    ledger = createLedgerService();
    alice = await openWallet(db.dataSource, ledger);
    bob = await openWallet(db.dataSource, ledger);
    depositId = await deposit(db.dataSource, ledger, alice, units(10n));
    await deposit(db.dataSource, ledger, bob, units(1n));
  });
  afterAll(() => db.close());

  const count = async (table: 'ledger_entries' | 'ledger_transactions') => {
    const [row] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{
      n: number;
    }>;
    return row.n;
  };

  /** Runs `corrupt` and then the check in one transaction that is always rolled back: the corruption never lands. */
  async function reportAfter(corrupt: (tx: EntityManager) => Promise<unknown>): Promise<LedgerReport> {
    const seen: { report?: LedgerReport } = {};
    await expect(
      db.dataSource.transaction(async (tx) => {
        await corrupt(tx);
        seen.report = await verifyLedger(tx);
        throw new RolledBack();
      }),
    ).rejects.toBeInstanceOf(RolledBack);
    if (!seen.report) throw new Error('no report');
    return seen.report;
  }
  const invariantsIn = (report: LedgerReport) => [...new Set(report.breaches.map((b) => b.invariant))].sort();

  it('refuses to update, delete or truncate ledger entries', async () => {
    await expect(
      db.dataSource.query(`UPDATE ledger_entries SET amount = amount * 2 WHERE transaction_id = $1`, [
        depositId,
      ]),
    ).rejects.toThrow(/ledger_entries is append-only/);
    await expect(
      db.dataSource.query(`DELETE FROM ledger_entries WHERE transaction_id = $1`, [depositId]),
    ).rejects.toThrow(/append-only.*DELETE refused/);
    await expect(db.dataSource.query(`TRUNCATE ledger_entries`)).rejects.toThrow(/append-only/);

    const entries = await ledger.transactionEntries(db.dataSource.manager, depositId);
    expect(entries.map((e) => e.amount)).toEqual([-10_000_000n, 10_000_000n]);
  });

  it('refuses an unbalanced transaction and writes nothing', async () => {
    const before = [await count('ledger_transactions'), await count('ledger_entries')];
    const unbalanced = db.dataSource.transaction((tx) =>
      ledger.post(tx, {
        kind: 'p2p_transfer',
        entries: [
          { accountId: alice.id, currency: 'USDC', amount: -1_000_000n },
          { accountId: bob.id, currency: 'USDC', amount: 999_999n },
        ],
      }),
    );
    await expect(unbalanced).rejects.toBeInstanceOf(UnbalancedTransactionError);
    await expect(unbalanced).rejects.toMatchObject({ code: 'UNBALANCED_TRANSACTION', kind: 'invalid' });

    expect([await count('ledger_transactions'), await count('ledger_entries')]).toEqual(before);
    expect((await ledger.balanceOf(db.dataSource.manager, alice.id)).posted).toBe(10_000_000n);
  });

  it('rolls back an earlier debit of a transaction when a later one is refused', async () => {
    const carol = await openWallet(db.dataSource, ledger);
    const before = [await count('ledger_transactions'), await count('ledger_entries')];
    // Alice can pay 5, Bob cannot: whichever is debited first, the caller's transaction undoes it.
    const attempt = db.dataSource.transaction((tx) =>
      ledger.post(tx, {
        kind: 'batch_transfer',
        entries: [
          { accountId: alice.id, currency: 'USDC', amount: -5_000_000n },
          { accountId: bob.id, currency: 'USDC', amount: -5_000_000n },
          { accountId: carol.id, currency: 'USDC', amount: 10_000_000n },
        ],
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(InsufficientFundsError);
    // The client sees the currency and a decimal amount; the account id stays on the error, out of `details`.
    await expect(attempt).rejects.toMatchObject({
      details: { currency: 'USDC', available: '1.00' },
    });

    expect((await ledger.balanceOf(db.dataSource.manager, alice.id)).posted).toBe(10_000_000n);
    expect((await ledger.balanceOf(db.dataSource.manager, bob.id)).posted).toBe(1_000_000n);
    expect((await ledger.balanceOf(db.dataSource.manager, carol.id)).posted).toBe(0n);
    expect([await count('ledger_transactions'), await count('ledger_entries')]).toEqual(before);
  });

  it('refuses entries in another currency than their account, and unknown accounts', async () => {
    const eurc = await openWallet(db.dataSource, ledger, 'EURC');
    await expect(
      db.dataSource.transaction((tx) =>
        ledger.post(tx, {
          kind: 'p2p_transfer',
          entries: [
            { accountId: alice.id, currency: 'USDC', amount: -1n },
            { accountId: eurc.id, currency: 'USDC', amount: 1n },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(CurrencyMismatchError);
    await expect(
      db.dataSource.transaction((tx) =>
        ledger.post(tx, {
          kind: 'p2p_transfer',
          entries: [
            { accountId: alice.id, currency: 'USDC', amount: -1n },
            { accountId: randomUUID(), currency: 'USDC', amount: 1n },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(AccountNotFoundError);
    expect((await ledger.balanceOf(db.dataSource.manager, alice.id)).posted).toBe(10_000_000n);
  });

  itRacesOnPostgres('answers an account another transaction opened while its own open waited on it', async () => {
    const owner = randomUUID();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let opened: (() => void) | undefined;
    const firstOpened = new Promise<void>((resolve) => (opened = resolve));
    const first = db.dataSource.transaction(async (tx) => {
      const [account] = await ledger.openUserAccounts(tx, owner, ['USDC']);
      opened?.();
      await held;
      return account;
    });
    await firstOpened;
    // Waits on the first transaction's uncommitted row; once it commits, this statement's own snapshot is older
    // than the row, so the account comes from a second read.
    const second = db.dataSource.transaction((tx) => ledger.openUserAccounts(tx, owner, ['USDC']));
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    const [a, [b]] = await Promise.all([first, second]);
    expect(b.id).toBe(a.id);
    expect(await ledger.accountsOf(db.dataSource.manager, owner)).toHaveLength(1);
  });

  it('opens user accounts idempotently and system accounts once', async () => {
    const owner = randomUUID();
    const first = await db.dataSource.transaction((tx) =>
      ledger.openUserAccounts(tx, owner, ['USDC', 'EURC']),
    );
    const again = await db.dataSource.transaction((tx) =>
      ledger.openUserAccounts(tx, owner, ['EURC', 'USDC', 'PYUSD']),
    );
    expect(first.map((a) => a.currency)).toEqual(['USDC', 'EURC']);
    expect(again.map((a) => a.id).slice(0, 2)).toEqual([first[1].id, first[0].id]);
    expect(await ledger.accountsOf(db.dataSource.manager, owner)).toHaveLength(3);

    // A system account first created in a transaction that rolls back is not remembered.
    const fresh = createLedgerService();
    await expect(
      db.dataSource.transaction(async (tx) => {
        await fresh.systemAccount(tx, 'suspense', 'USDT', 'rollback-test');
        throw new RolledBack();
      }),
    ).rejects.toBeInstanceOf(RolledBack);
    const suspense = await db.dataSource.transaction((tx) =>
      fresh.systemAccount(tx, 'suspense', 'USDT', 'rollback-test'),
    );
    expect(await ledger.balanceOf(db.dataSource.manager, suspense.id)).toMatchObject({ posted: 0n });
    const cached = await db.dataSource.transaction((tx) =>
      fresh.systemAccount(tx, 'suspense', 'USDT', 'rollback-test'),
    );
    expect(cached.id).toBe(suspense.id);
    expect(suspense).toMatchObject({
      ownerId: null,
      kind: 'suspense',
      allowNegative: true,
      qualifier: 'rollback-test',
    });
  });

  it('refuses direct SQL that would take a user account below zero', async () => {
    await expect(
      db.dataSource.query(`UPDATE ledger_accounts SET posted = -1 WHERE id = $1`, [alice.id]),
    ).rejects.toThrow(/ledger_accounts_available_nonnegative/);
    await expect(
      db.dataSource.query(`UPDATE ledger_accounts SET pending_debits = posted + 1 WHERE id = $1`, [alice.id]),
    ).rejects.toThrow(/ledger_accounts_available_nonnegative/);
    await expect(
      db.dataSource.query(`UPDATE ledger_accounts SET pending_debits = -1 WHERE id = $1`, [bob.id]),
    ).rejects.toThrow(/ledger_accounts_pending_debits_nonnegative/);
    await expect(
      db.dataSource.query(
        `INSERT INTO ledger_entries (transaction_id, account_id, currency, amount) VALUES ($1, $2, 'USDC', 0)`,
        [depositId, alice.id],
      ),
    ).rejects.toThrow(/ledger_entries_amount_nonzero/);
  });

  it('reports a cached balance corrupted by a direct update, and is clean again once repaired', async () => {
    expect(await verifyLedger(db.dataSource.manager)).toMatchObject({ ok: true, breaches: [] });
    await db.dataSource.query(`UPDATE ledger_accounts SET posted = posted + 1 WHERE id = $1`, [bob.id]);
    try {
      const report = await verifyLedger(db.dataSource.manager);
      expect(report.ok).toBe(false);
      expect(report.breaches).toEqual([
        {
          invariant: 'cached-balance-equals-entries',
          detail: `account ${bob.id} (USDC): cached posted 1000001 but its entries sum to 1000000`,
        },
      ]);
      expect(report.counts.accounts).toBeGreaterThanOrEqual(3);
      expect(Date.parse(report.checkedAt)).not.toBeNaN();
    } finally {
      await db.dataSource.query(`UPDATE ledger_accounts SET posted = posted - 1 WHERE id = $1`, [bob.id]);
    }
    expect(await verifyLedger(db.dataSource.manager)).toMatchObject({ ok: true });
  });

  describe('detects each kind of corruption', () => {
    let clearing: LedgerAccount;
    let fees: LedgerAccount;
    let voidedHoldId: string;
    let postedHoldId: string;

    beforeAll(async () => {
      clearing = await db.dataSource.transaction((tx) =>
        ledger.systemAccount(tx, 'provider_clearing', 'USDC', 'tempo'),
      );
      fees = await db.dataSource.transaction((tx) => ledger.systemAccount(tx, 'fees', 'USDC'));
      const hold = (amount: bigint) =>
        db.dataSource.transaction((tx) =>
          ledger.placeHold(tx, {
            accountId: alice.id,
            counterAccountId: bob.id,
            currency: 'USDC',
            amount,
            kind: 'hold',
          }),
        );
      voidedHoldId = (await hold(1_000_000n)).holdId;
      await db.dataSource.transaction((tx) => ledger.voidHold(tx, voidedHoldId));
      postedHoldId = (await hold(1_000_000n)).holdId;
      await db.dataSource.transaction((tx) => ledger.postHold(tx, postedHoldId, 500_000n));
      expect(await verifyLedger(db.dataSource.manager)).toMatchObject({ ok: true });
    });

    const insertEntry = (
      tx: EntityManager,
      transactionId: string,
      accountId: string,
      currency: string,
      amount: bigint,
    ) =>
      tx.query(
        `INSERT INTO ledger_entries (transaction_id, account_id, currency, amount) VALUES ($1, $2, $3, $4)`,
        [transactionId, accountId, currency, amount.toString()],
      );

    it('a lone entry: unbalanced, and a cached balance that no longer matches', async () => {
      const report = await reportAfter((tx) => insertEntry(tx, depositId, bob.id, 'USDC', 1n));
      expect(invariantsIn(report)).toEqual(['cached-balance-equals-entries', 'entries-sum-to-zero']);
      expect(report.breaches.find((b) => b.invariant === 'entries-sum-to-zero')?.detail).toBe(
        `transaction ${depositId}: USDC entries sum to 1, not 0`,
      );
    });

    it('pending debits that no pending hold accounts for', async () => {
      const report = await reportAfter((tx) =>
        tx.query(`UPDATE ledger_accounts SET pending_debits = pending_debits + 1 WHERE id = $1`, [alice.id]),
      );
      expect(invariantsIn(report)).toEqual(['pending-debits-equal-pending-holds']);
    });

    it('a cached balance written on a hot system account', async () => {
      const report = await reportAfter((tx) =>
        tx.query(`UPDATE ledger_accounts SET posted = 5 WHERE id = $1`, [fees.id]),
      );
      expect(invariantsIn(report)).toEqual(['system-balance-derived-from-entries']);
    });

    it('entries on a voided hold', async () => {
      const report = await reportAfter(async (tx) => {
        await insertEntry(tx, voidedHoldId, clearing.id, 'USDC', -1n);
        await insertEntry(tx, voidedHoldId, fees.id, 'USDC', 1n);
      });
      expect(invariantsIn(report)).toEqual(['unposted-hold-has-no-entries']);
    });

    it('a posted transaction without entries', async () => {
      const report = await reportAfter((tx) =>
        tx.query(`INSERT INTO ledger_transactions (id, kind, status) VALUES ($1, 'fee', 'posted')`, [
          randomUUID(),
        ]),
      );
      expect(invariantsIn(report)).toEqual(['posted-transaction-has-entries']);
    });

    it('entries in another currency than their account', async () => {
      const report = await reportAfter(async (tx) => {
        const id = randomUUID();
        await tx.query(`INSERT INTO ledger_transactions (id, kind, status) VALUES ($1, 'fee', 'posted')`, [
          id,
        ]);
        await insertEntry(tx, id, clearing.id, 'EURC', -1n);
        await insertEntry(tx, id, fees.id, 'EURC', 1n);
      });
      expect(invariantsIn(report)).toEqual(['entry-currency-equals-account-currency']);
      expect(report.breaches).toHaveLength(2);
    });

    it('a user account below zero (with its CHECK dropped)', async () => {
      const report = await reportAfter(async (tx) => {
        await tx.query(`ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_available_nonnegative`);
        await tx.query(`UPDATE ledger_accounts SET posted = -1 WHERE id = $1`, [bob.id]);
      });
      expect(invariantsIn(report)).toEqual(['cached-balance-equals-entries', 'no-negative-balance']);
    });

    it('a hold posted for more than it held (with its CHECK dropped)', async () => {
      const report = await reportAfter(async (tx) => {
        await tx.query(
          `ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_posted_within_held`,
        );
        await tx.query(`UPDATE ledger_transactions SET posted_amount = hold_amount + 1 WHERE id = $1`, [
          postedHoldId,
        ]);
      });
      expect(invariantsIn(report)).toEqual(['posted-hold-entries-match', 'posted-hold-within-held']);
    });

    afterAll(async () => {
      expect(await verifyLedger(db.dataSource.manager)).toMatchObject({ ok: true });
    });
  });
});
