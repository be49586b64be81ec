import { Logger } from '@nestjs/common';
import { openTestDataSource, type TestDataSource } from '../../../shared/src/testing';
import type { LedgerAccount } from '../domain/ledger-account';
import {
  BalanceLimitExceededError,
  LedgerAmountOutOfRangeError,
  MAX_LEDGER_AMOUNT,
} from '../domain/ledger.errors';
import { createLedgerService, deposit, openWallet, transfer } from '../testing';
import type { LedgerService } from './ledger.service';
import { verifyLedger } from './verify-ledger';

/**
 * Every cached column of the ledger is a PostgreSQL bigint. A change that would take one past it is refused with a
 * domain error, by the guarded statement itself (checked in numeric): never "bigint out of range" from the
 * database, and nothing written.
 */
describe('ledger balances never overflow their columns', () => {
  let db: TestDataSource;
  let ledger: LedgerService;

  beforeAll(async () => {
    db = await openTestDataSource([], 10);
    ledger = createLedgerService();
    Logger.overrideLogger(false);
  });
  afterAll(() => db.close());
  afterEach(async () => {
    expect(await verifyLedger(db.dataSource.manager)).toMatchObject({ ok: true, breaches: [] });
  });

  const balance = (account: LedgerAccount) => ledger.balanceOf(db.dataSource.manager, account.id);
  const entries = async () =>
    ((await db.dataSource.query(`SELECT count(*)::int AS n FROM ledger_entries`)) as Array<{ n: number }>)[0]
      .n;

  /** A wallet holding `MAX − headroom` minor units. */
  async function nearlyFull(headroom: bigint): Promise<LedgerAccount> {
    const account = await openWallet(db.dataSource, ledger);
    await deposit(db.dataSource, ledger, account, MAX_LEDGER_AMOUNT - headroom);
    return account;
  }

  it('refuses a credit past 2^63 − 1 with BALANCE_LIMIT_EXCEEDED, and writes nothing', async () => {
    const full = await nearlyFull(10n);
    const payer = await openWallet(db.dataSource, ledger);
    await deposit(db.dataSource, ledger, payer, 1_000n);
    const before = await entries();

    const refused = transfer(db.dataSource, ledger, payer, full, 11n);
    await expect(refused).rejects.toBeInstanceOf(BalanceLimitExceededError);
    await expect(refused).rejects.toMatchObject({
      code: 'BALANCE_LIMIT_EXCEEDED',
      kind: 'unprocessable',
      details: { currency: 'USDC' },
    });
    // A deposit from a provider (a system account: never refused for its own balance) is refused the same way.
    await expect(deposit(db.dataSource, ledger, full, 11n)).rejects.toBeInstanceOf(BalanceLimitExceededError);
    expect(await entries()).toBe(before);
    expect(await balance(full)).toMatchObject({ posted: MAX_LEDGER_AMOUNT - 10n, pendingDebits: 0n });
    expect(await balance(payer)).toMatchObject({ posted: 1_000n });

    // Up to the last minor unit it holds, it is taken.
    await transfer(db.dataSource, ledger, payer, full, 10n);
    expect(await balance(full)).toMatchObject({ posted: MAX_LEDGER_AMOUNT });
  });

  it('refuses two credits that pass the bound only together, whichever lands second', async () => {
    const full = await nearlyFull(100n);
    const payers = [await openWallet(db.dataSource, ledger), await openWallet(db.dataSource, ledger)];
    for (const payer of payers) await deposit(db.dataSource, ledger, payer, 100n);
    const outcomes = await Promise.allSettled(
      payers.map((payer) => transfer(db.dataSource, ledger, payer, full, 60n)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect((rejected as PromiseRejectedResult).reason).toBeInstanceOf(BalanceLimitExceededError);
    expect(await balance(full)).toMatchObject({ posted: MAX_LEDGER_AMOUNT - 40n });
  });

  it('refuses an entry or a hold beyond bigint with AMOUNT_OUT_OF_RANGE before any statement', async () => {
    const account = await openWallet(db.dataSource, ledger);
    const other = await openWallet(db.dataSource, ledger);
    await deposit(db.dataSource, ledger, account, 1_000n);
    const before = await entries();
    await expect(
      db.dataSource.transaction((tx) =>
        ledger.post(tx, {
          kind: 'p2p_transfer',
          entries: [
            { accountId: account.id, currency: 'USDC', amount: -(MAX_LEDGER_AMOUNT + 1n) },
            { accountId: other.id, currency: 'USDC', amount: MAX_LEDGER_AMOUNT + 1n },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(LedgerAmountOutOfRangeError);
    await expect(
      db.dataSource.transaction((tx) =>
        ledger.placeHold(tx, {
          accountId: account.id,
          counterAccountId: other.id,
          currency: 'USDC',
          amount: MAX_LEDGER_AMOUNT + 1n,
          kind: 'withdrawal',
        }),
      ),
    ).rejects.toMatchObject({ code: 'AMOUNT_OUT_OF_RANGE' });
    expect(await entries()).toBe(before);
    expect(await balance(account)).toMatchObject({ posted: 1_000n, pendingDebits: 0n });
  });
});
