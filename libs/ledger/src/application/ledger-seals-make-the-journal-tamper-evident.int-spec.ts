import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { openTestDataSource, type TestDataSource, itRacesOnPostgres } from '../../../shared/src/testing';
import type { LedgerAccount } from '../domain/ledger-account';
import { LedgerSealRepository } from '../infrastructure/ledger-seal.repository';
import { createLedgerService, deposit, openWallet, transfer, units } from '../testing';
import { LedgerSealer } from './ledger-sealer';
import type { LedgerService } from './ledger.service';
import { verifyLedgerSeals, type SealReport } from './verify-ledger-seals';

class RolledBack extends Error {}

describe('ledger seals: a hash chain over the journal makes changes to it evident', () => {
  let db: TestDataSource;
  let ledger: LedgerService;
  let sealer: LedgerSealer;
  let alice: LedgerAccount;
  let bob: LedgerAccount;

  beforeAll(async () => {
    db = await openTestDataSource([], 8);
    ledger = createLedgerService();
    sealer = new LedgerSealer(db.dataSource, new LedgerSealRepository());
    alice = await openWallet(db.dataSource, ledger);
    bob = await openWallet(db.dataSource, ledger);
    await deposit(db.dataSource, ledger, alice, units(1_000n));
  });
  afterAll(() => db.close());

  const pay = (amount = 1n) => transfer(db.dataSource, ledger, alice, bob, units(amount));

  /** Every ledger transaction that has entries, i.e. is in the journal. */
  async function journal(): Promise<string[]> {
    const rows = (await db.dataSource.query(
      `SELECT DISTINCT transaction_id FROM ledger_entries ORDER BY transaction_id`,
    )) as Array<{ transaction_id: string }>;
    return rows.map((row) => row.transaction_id);
  }

  /** Every transaction id listed by a block, as many times as blocks list it. */
  async function sealedIds(): Promise<string[]> {
    const rows = (await db.dataSource.query(
      `SELECT unnest(transaction_ids) AS id FROM ledger_seals ORDER BY 1`,
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  async function blockOf(transactionId: string): Promise<number> {
    const [row] = (await db.dataSource.query(
      `SELECT block::int AS block FROM ledger_seals WHERE $1::uuid = ANY(transaction_ids)`,
      [transactionId],
    )) as Array<{ block: number }>;
    return row.block;
  }

  /** Runs `tamper`, then the check, in one transaction that is always rolled back: the damage never lands. */
  async function reportAfter(tamper: (tx: EntityManager) => Promise<unknown>): Promise<SealReport> {
    const seen: { report?: SealReport } = {};
    await expect(
      db.dataSource.transaction(async (tx) => {
        await tamper(tx);
        seen.report = await verifyLedgerSeals(tx);
        throw new RolledBack();
      }),
    ).rejects.toBeInstanceOf(RolledBack);
    if (!seen.report) throw new Error('no report');
    return seen.report;
  }

  it('seals every committed transaction once, block by block; sealing again seals nothing new', async () => {
    for (let i = 0; i < 24; i += 1) await pay();
    const first = await sealer.seal({ blockSize: 10 });
    const inJournal = await journal();
    expect(first).toMatchObject({
      blocks: 3,
      transactions: inJournal.length,
      latestBlock: 3,
      deferred: false,
    });
    expect(await sealedIds()).toEqual(inJournal);
    expect((await sealer.status()).unsealed).toBe(0);

    const again = await sealer.seal({ blockSize: 10 });
    expect(again).toMatchObject({ blocks: 0, transactions: 0, latestBlock: 3 });

    const later = await pay();
    await pay();
    const status = await sealer.status();
    expect(status.unsealed).toBe(2);
    const next = await sealer.seal({ blockSize: 10 });
    expect(next).toMatchObject({ blocks: 1, transactions: 2, latestBlock: 4 });
    expect(await blockOf(later.transactionId)).toBe(4);
    expect(await sealer.status()).toMatchObject({ block: 4, unsealed: 0 });

    const report = await verifyLedgerSeals(db.dataSource.manager);
    expect(report).toMatchObject({ ok: true, blocks: 4, transactions: inJournal.length + 2, broken: null });
  });

  it('finds an UPDATE made directly on a sealed entry (append-only trigger disabled), naming block and transaction', async () => {
    const [victim] = await journal();
    const report = await reportAfter(async (tx) => {
      await tx.query(`ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_no_update_or_delete`);
      await tx.query(`UPDATE ledger_entries SET amount = amount * 2 WHERE transaction_id = $1`, [victim]);
    });
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({
      block: await blockOf(victim),
      transactionId: victim,
      reason: expect.stringContaining('changed after it was sealed'),
    });
  });

  it('finds a transaction that appears below a sealed point after the block was sealed', async () => {
    // A rolled-back transfer leaves a gap in the entry ids; seal past it; then put entries into the gap.
    await expect(
      db.dataSource.transaction(async (tx) => {
        await ledger.post(tx, {
          kind: 'p2p_transfer',
          entries: [
            { accountId: alice.id, currency: 'USDC', amount: -1n },
            { accountId: bob.id, currency: 'USDC', amount: 1n },
          ],
        });
        throw new RolledBack();
      }),
    ).rejects.toBeInstanceOf(RolledBack);
    await pay();
    await sealer.seal();
    const gap = (await db.dataSource.query(
      `SELECT g::text AS id FROM generate_series(1::bigint, (SELECT max(last_entry_id) FROM ledger_seals)) AS g
        WHERE NOT EXISTS (SELECT 1 FROM ledger_entries WHERE id = g) ORDER BY g DESC LIMIT 2`,
    )) as Array<{ id: string }>;
    expect(gap).toHaveLength(2);
    const forged = randomUUID();
    const report = await reportAfter(async (tx) => {
      await tx.query(
        `INSERT INTO ledger_transactions (id, kind, status) VALUES ($1, 'p2p_transfer', 'posted')`,
        [forged],
      );
      await tx.query(
        `INSERT INTO ledger_entries (id, transaction_id, account_id, currency, amount)
         VALUES ($1, $3, $4, 'USDC', -5), ($2, $3, $5, 'USDC', 5)`,
        [gap[1].id, gap[0].id, forged, alice.id, bob.id],
      );
    });
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({
      transactionId: forged,
      reason: expect.stringContaining('appears below the sealed point'),
    });
  });

  it('finds a sealed block that was altered, and a block removed from the chain', async () => {
    const altered = await reportAfter(async (tx) => {
      await tx.query(`ALTER TABLE ledger_seals DISABLE TRIGGER ledger_seals_no_update_or_delete`);
      await tx.query(`UPDATE ledger_seals SET hash = repeat('a', 64) WHERE block = 2`);
    });
    expect(altered.broken).toMatchObject({
      block: 2,
      reason: expect.stringContaining('block itself was altered'),
    });
    const removed = await reportAfter(async (tx) => {
      await tx.query(`ALTER TABLE ledger_seals DISABLE TRIGGER ledger_seals_no_update_or_delete`);
      await tx.query(`DELETE FROM ledger_seals WHERE block = 2`);
    });
    expect(removed.broken).toMatchObject({ block: 3, reason: expect.stringContaining('block 2 is missing') });
    await expect(db.dataSource.query(`UPDATE ledger_seals SET hash = hash WHERE block = 1`)).rejects.toThrow(
      /ledger_seals is append-only/,
    );
  });

  itRacesOnPostgres(
    'seals every one of many concurrent transfers exactly once while two sealers run',
    async () => {
      let paying = true;
      const sealing = async () => {
        while (paying) {
          await sealer.seal({ blockSize: 7, settleTimeoutMs: 10_000 });
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      const sealers = [sealing(), sealing()];
      await Promise.all(Array.from({ length: 120 }, () => pay()));
      paying = false;
      await Promise.all(sealers);
      await sealer.seal({ blockSize: 7 });

      const inJournal = await journal();
      const sealed = await sealedIds();
      expect(sealed).toHaveLength(inJournal.length);
      expect(new Set(sealed).size).toBe(sealed.length);
      expect(sealed).toEqual(inJournal);
      expect((await sealer.status()).unsealed).toBe(0);
      expect(await verifyLedgerSeals(db.dataSource.manager)).toMatchObject({ ok: true, broken: null });
    },
  );

  // PostgreSQL only: on the embedded database the wire server gives the session to one transaction at a time,
  // so a second connection cannot even read while a transaction is open (and a lower id can never commit late).
  itRacesOnPostgres(
    'never seals past a transaction that holds a lower entry id and commits after a higher one',
    async () => {
      // Other accounts for the fast transfer: it must not wait on the slow one's row locks.
      const carol = await openWallet(db.dataSource, ledger);
      const dave = await openWallet(db.dataSource, ledger);
      await deposit(db.dataSource, ledger, carol, units(5n));
      await sealer.seal();
      const runner = db.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        // Takes entry ids now and stays uncommitted…
        const slow = await ledger.post(runner.manager, {
          kind: 'p2p_transfer',
          entries: [
            { accountId: alice.id, currency: 'USDC', amount: -1n },
            { accountId: bob.id, currency: 'USDC', amount: 1n },
          ],
        });
        // …while a later transfer, with higher ids, commits.
        const fast = await transfer(db.dataSource, ledger, carol, dave, units(1n));
        const deferred = await sealer.seal({ settleTimeoutMs: 200 });
        expect(deferred).toMatchObject({ deferred: true, blocks: 0 });
        await runner.commitTransaction();
        const sealed = await sealer.seal();
        expect(sealed).toMatchObject({ deferred: false, transactions: 2 });
        expect(await blockOf(slow.transactionId)).toBe(await blockOf(fast.transactionId));
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
      }
      expect(await verifyLedgerSeals(db.dataSource.manager)).toMatchObject({ ok: true });
    },
  );

  itRacesOnPostgres(
    'never seals past it either when it took its xid after the higher one’s transaction did',
    async () => {
      // The later transfer's transaction takes its xid first, the slow one takes its own and an entry id, the later
      // one takes higher ids and commits. A snapshot's xmax is then the slow one's xid (one past the newest completed
      // transaction), so its xip list is empty while the slow one runs: a sealer that waited only for that list
      // sealed the later transfer alone.
      const carol = await openWallet(db.dataSource, ledger);
      const dave = await openWallet(db.dataSource, ledger);
      await deposit(db.dataSource, ledger, carol, units(5n));
      await sealer.seal();
      const later = db.dataSource.createQueryRunner();
      const slow = db.dataSource.createQueryRunner();
      await Promise.all([later.connect(), slow.connect()]);
      const pair = (from: LedgerAccount, to: LedgerAccount) => ({
        kind: 'p2p_transfer' as const,
        entries: [
          { accountId: from.id, currency: 'USDC', amount: -1n },
          { accountId: to.id, currency: 'USDC', amount: 1n },
        ],
      });
      try {
        await later.startTransaction();
        await later.query('SELECT pg_current_xact_id()');
        await slow.startTransaction();
        const held = await ledger.post(slow.manager, pair(alice, bob));
        const fast = await ledger.post(later.manager, pair(carol, dave));
        await later.commitTransaction();
        expect(await sealer.seal({ settleTimeoutMs: 200 })).toMatchObject({ deferred: true, blocks: 0 });
        await slow.commitTransaction();
        expect(await sealer.seal()).toMatchObject({ deferred: false, transactions: 2 });
        expect(await blockOf(held.transactionId)).toBe(await blockOf(fast.transactionId));
      } finally {
        for (const runner of [later, slow]) {
          if (runner.isTransactionActive) await runner.rollbackTransaction();
          await runner.release();
        }
      }
      expect(await verifyLedgerSeals(db.dataSource.manager)).toMatchObject({ ok: true });
    },
  );
});
