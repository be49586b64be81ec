import { openTestDataSource, type TestDataSource, itRacesOnPostgres } from '../../../shared/src/testing';
import { InsufficientFundsError } from '../domain/ledger.errors';
import { createLedgerService, deposit, openWallet, transfer, units } from '../testing';
import type { LedgerService } from './ledger.service';
import { verifyLedger } from './verify-ledger';

describe('concurrent debits never overdraw a wallet', () => {
  let db: TestDataSource;
  let ledger: LedgerService;

  beforeAll(async () => {
    db = await openTestDataSource([], 10);
    ledger = createLedgerService();
  });
  afterAll(() => db.close());

  itRacesOnPostgres(
    'of 200 concurrent 1.000000 USDC transfers out of a 100.000000 wallet, exactly 100 succeed',
    async () => {
      const { dataSource } = db;
      const payer = await openWallet(dataSource, ledger);
      const payee = await openWallet(dataSource, ledger);
      await deposit(dataSource, ledger, payer, units(100n));

      const results = await Promise.allSettled(
        Array.from({ length: 200 }, () => transfer(dataSource, ledger, payer, payee, units(1n))),
      );

      const succeeded = results.filter((r) => r.status === 'fulfilled');
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(succeeded).toHaveLength(100);
      expect(refused).toHaveLength(100);
      for (const reason of refused) expect(reason).toBeInstanceOf(InsufficientFundsError);
      // What a client sees: the currency and a decimal amount, never the ledger account id or minor units.
      expect((refused[0] as InsufficientFundsError).details).toEqual({ currency: 'USDC', available: '0.00' });
      expect((refused[0] as InsufficientFundsError).accountId).toBe(payer.id);

      const payerBalance = await ledger.balanceOf(dataSource.manager, payer.id);
      expect(payerBalance.posted).toBe(0n);
      expect(payerBalance.available).toBe(0n);
      expect((await ledger.balanceOf(dataSource.manager, payee.id)).posted).toBe(100_000_000n);
      const [{ count }] = (await dataSource.query(
        `SELECT count(*)::int AS count FROM ledger_entries WHERE account_id = $1 AND amount < 0`,
        [payer.id],
      )) as Array<{ count: number }>;
      expect(count).toBe(100);
      expect(await verifyLedger(dataSource.manager)).toMatchObject({ ok: true, breaches: [] });
    },
  );

  itRacesOnPostgres(
    'runs 200 opposite transfers between the same two wallets concurrently without a deadlock',
    async () => {
      const { dataSource } = db;
      const alice = await openWallet(dataSource, ledger);
      const bob = await openWallet(dataSource, ledger);
      await deposit(dataSource, ledger, alice, units(100n));
      await deposit(dataSource, ledger, bob, units(100n));

      // Entries list the debit first, so a ledger locking in entry order would deadlock here on PostgreSQL.
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) =>
          i % 2 === 0
            ? transfer(dataSource, ledger, alice, bob, units(1n))
            : transfer(dataSource, ledger, bob, alice, units(1n)),
        ),
      );

      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect((await ledger.balanceOf(dataSource.manager, alice.id)).posted).toBe(100_000_000n);
      expect((await ledger.balanceOf(dataSource.manager, bob.id)).posted).toBe(100_000_000n);
      expect(await verifyLedger(dataSource.manager)).toMatchObject({ ok: true });
    },
  );

  it('books fees on the hot fees account without updating its row; its balance is the sum of its entries', async () => {
    const { dataSource } = db;
    const payers = await Promise.all(Array.from({ length: 5 }, () => openWallet(dataSource, ledger)));
    const payee = await openWallet(dataSource, ledger);
    for (const payer of payers) await deposit(dataSource, ledger, payer, units(11n));
    const before = await ledger.systemBalance(dataSource.manager, 'USDC', 'fees');

    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        dataSource.transaction(async (tx) => {
          const fees = await ledger.systemAccount(tx, 'fees', 'USDC');
          const payer = payers[i % payers.length];
          return ledger.post(tx, {
            kind: 'p2p_transfer',
            reference: `transfer-${i}`,
            entries: [
              { accountId: payer.id, currency: 'USDC', amount: -1_010_000n },
              { accountId: payee.id, currency: 'USDC', amount: 1_000_000n },
              { accountId: fees.id, currency: 'USDC', amount: 10_000n },
            ],
          });
        }),
      ),
    );

    const fees = await dataSource.transaction((tx) => ledger.systemAccount(tx, 'fees', 'USDC'));
    expect(await ledger.systemBalance(dataSource.manager, 'USDC', 'fees')).toBe(before + 500_000n);
    expect(await ledger.balanceOf(dataSource.manager, fees.id)).toMatchObject({ posted: before + 500_000n });
    const [row] = (await dataSource.query(
      `SELECT posted::text AS posted FROM ledger_accounts WHERE id = $1`,
      [fees.id],
    )) as Array<{ posted: string }>;
    expect(row.posted).toBe('0');
    expect((await ledger.balanceOf(dataSource.manager, payee.id)).posted).toBe(50_000_000n);
    expect(await verifyLedger(dataSource.manager)).toMatchObject({ ok: true });
  });

  // Needs a second session holding a lock while the transfer runs: PGlite is one session, so PostgreSQL only.
  itRacesOnPostgres('books a fee while another transaction holds the fees account row locked', async () => {
    const { dataSource } = db;
    const payer = await openWallet(dataSource, ledger);
    const payee = await openWallet(dataSource, ledger);
    await deposit(dataSource, ledger, payer, units(5n));
    const fees = await dataSource.transaction((tx) => ledger.systemAccount(tx, 'fees', 'USDC'));

    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT id FROM ledger_accounts WHERE id = $1 FOR NO KEY UPDATE`, [fees.id]);
      const { transactionId } = await dataSource.transaction(async (tx) => {
        await tx.query(`SET LOCAL lock_timeout = '2s'`);
        return ledger.post(tx, {
          kind: 'p2p_transfer',
          entries: [
            { accountId: payer.id, currency: 'USDC', amount: -1_010_000n },
            { accountId: payee.id, currency: 'USDC', amount: 1_000_000n },
            { accountId: fees.id, currency: 'USDC', amount: 10_000n },
          ],
        });
      });
      expect(await ledger.transactionEntries(dataSource.manager, transactionId)).toHaveLength(3);
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
  });
});
