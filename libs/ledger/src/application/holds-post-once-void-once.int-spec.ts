import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { openTestDataSource, type TestDataSource, itRacesOnPostgres } from '../../../shared/src/testing';
import type { LedgerAccount } from '../domain/ledger-account';
import {
  HoldAmountExceededError,
  HoldNotFoundError,
  HoldNotPendingError,
  InsufficientFundsError,
  InvalidHoldAmountError,
} from '../domain/ledger.errors';
import type { Clock, DueWork, JobQueue } from '#monay/shared';
import { HoldExpiryProcessor } from '../infrastructure/hold-expiry.processor';
import { createLedgerService, deposit, openWallet, transfer, units } from '../testing';
import type { LedgerService, PlaceHoldInput } from './ledger.service';
import { verifyLedger } from './verify-ledger';

describe('holds are posted once or voided once', () => {
  let db: TestDataSource;
  let ledger: LedgerService;

  beforeAll(async () => {
    db = await openTestDataSource([], 10);
    ledger = createLedgerService();
    Logger.overrideLogger(false);
  });
  afterAll(() => db.close());

  /** A cardholder with 100.000000 USDC and a merchant wallet. */
  async function cardholderAndMerchant(): Promise<{ card: LedgerAccount; merchant: LedgerAccount }> {
    const card = await openWallet(db.dataSource, ledger);
    const merchant = await openWallet(db.dataSource, ledger);
    await deposit(db.dataSource, ledger, card, units(100n));
    return { card, merchant };
  }

  const place = (
    card: LedgerAccount,
    merchant: LedgerAccount,
    amount: bigint,
    more: Partial<PlaceHoldInput> = {},
  ) =>
    db.dataSource.transaction((tx) =>
      ledger.placeHold(tx, {
        accountId: card.id,
        counterAccountId: merchant.id,
        currency: 'USDC',
        amount,
        kind: 'card_authorization',
        ...more,
      }),
    );
  const post = (holdId: string, amount?: bigint) =>
    db.dataSource.transaction((tx) => ledger.postHold(tx, holdId, amount));
  const voidIt = (holdId: string) => db.dataSource.transaction((tx) => ledger.voidHold(tx, holdId));
  const balance = (account: LedgerAccount) => ledger.balanceOf(db.dataSource.manager, account.id);

  afterEach(async () => {
    expect(await verifyLedger(db.dataSource.manager)).toMatchObject({ ok: true, breaches: [] });
  });

  it('places several holds at once as one after another would: the sum guarded, all or none', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const other = await openWallet(db.dataSource, ledger);
    const holds = (amounts: bigint[]) =>
      db.dataSource.transaction((tx) =>
        ledger.placeHolds(
          tx,
          amounts.map((amount, i) => ({
            accountId: card.id,
            counterAccountId: i % 2 === 0 ? merchant.id : other.id,
            currency: 'USDC',
            amount,
            kind: 'card_authorization' as const,
            reference: `batch-${i}`,
          })),
        ),
      );

    // 100 available: 40 + 35 + 30 is more than there is, though each alone fits. Nothing is held.
    await expect(holds([units(40n), units(35n), units(30n)])).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await balance(card)).toMatchObject({ pendingDebits: 0n, available: 100_000_000n });
    await expect(holds([units(10n), 0n])).rejects.toBeInstanceOf(InvalidHoldAmountError);
    expect(await balance(card)).toMatchObject({ pendingDebits: 0n });

    const placed = await holds([units(40n), units(35n), units(25n)]);
    expect(new Set(placed.map((hold) => hold.holdId)).size).toBe(3);
    expect(await balance(card)).toMatchObject({ pendingDebits: 100_000_000n, available: 0n });
    // Each is a hold of its own: posted, voided or left pending one by one.
    await post(placed[0].holdId);
    await voidIt(placed[1].holdId);
    expect(await balance(card)).toMatchObject({
      posted: 60_000_000n,
      pendingDebits: 25_000_000n,
      available: 35_000_000n,
    });
    expect(await balance(merchant)).toMatchObject({ posted: 40_000_000n });
    expect(await balance(other)).toMatchObject({ posted: 0n });
    await post(placed[2].holdId, units(5n));
    expect(await balance(card)).toMatchObject({ posted: 55_000_000n, pendingDebits: 0n });
    expect(await balance(merchant)).toMatchObject({ posted: 45_000_000n });
  });

  it('counts a hold against the available balance as soon as it is placed', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    await place(card, merchant, units(30n), { reference: 'auth-1' });

    expect(await balance(card)).toMatchObject({
      posted: 100_000_000n,
      pendingDebits: 30_000_000n,
      available: 70_000_000n,
    });
    await expect(transfer(db.dataSource, ledger, card, merchant, 70_000_001n)).rejects.toBeInstanceOf(
      InsufficientFundsError,
    );
    await expect(place(card, merchant, 70_000_001n)).rejects.toBeInstanceOf(InsufficientFundsError);
    await transfer(db.dataSource, ledger, card, merchant, units(70n));
    expect(await balance(card)).toMatchObject({
      posted: 30_000_000n,
      pendingDebits: 30_000_000n,
      available: 0n,
    });
  });

  itRacesOnPostgres('never reserves more than is available when holds are placed concurrently', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => place(card, merchant, units(3n))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(33);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(InsufficientFundsError);
    expect(await balance(card)).toMatchObject({
      posted: 100_000_000n,
      pendingDebits: 99_000_000n,
      available: 1_000_000n,
    });
  });

  it('posts part of a hold to the counter account and releases the rest', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const { holdId } = await place(card, merchant, units(30n));

    expect(await post(holdId, units(20n))).toEqual({
      holdId,
      postedAmount: 20_000_000n,
      releasedAmount: 10_000_000n,
    });

    expect(await balance(card)).toMatchObject({
      posted: 80_000_000n,
      pendingDebits: 0n,
      available: 80_000_000n,
    });
    expect(await balance(merchant)).toMatchObject({ posted: 20_000_000n, available: 20_000_000n });
    const hold = await ledger.getHold(db.dataSource.manager, holdId);
    expect(hold).toMatchObject({ status: 'posted', amount: 30_000_000n, postedAmount: 20_000_000n });
    expect(hold.resolvedAt).toBeInstanceOf(Date);
    const entries = await ledger.transactionEntries(db.dataSource.manager, holdId);
    expect(entries.map((e) => [e.accountId, e.amount])).toEqual([
      [card.id, -20_000_000n],
      [merchant.id, 20_000_000n],
    ]);
  });

  it('posts the whole hold when no amount is given', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const { holdId } = await place(card, merchant, 12_345_678n);
    expect((await post(holdId)).postedAmount).toBe(12_345_678n);
    expect(await balance(card)).toMatchObject({ posted: 87_654_322n, pendingDebits: 0n });
  });

  it('refuses to post a posted hold twice, or to void it afterwards', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const { holdId } = await place(card, merchant, units(10n));
    await post(holdId);

    await expect(post(holdId)).rejects.toThrow(HoldNotPendingError);
    await expect(post(holdId)).rejects.toMatchObject({
      code: 'HOLD_NOT_PENDING',
      details: { status: 'posted' },
    });
    await expect(voidIt(holdId)).rejects.toMatchObject({
      code: 'HOLD_NOT_PENDING',
      details: { status: 'posted' },
    });
    expect(await balance(card)).toMatchObject({ posted: 90_000_000n, pendingDebits: 0n });
    expect(await balance(merchant)).toMatchObject({ posted: 10_000_000n });
  });

  it('refuses to post or void again a voided hold', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const { holdId } = await place(card, merchant, units(10n));
    expect(await voidIt(holdId)).toEqual({ holdId, releasedAmount: 10_000_000n });
    expect(await balance(card)).toMatchObject({
      posted: 100_000_000n,
      pendingDebits: 0n,
      available: 100_000_000n,
    });

    await expect(post(holdId)).rejects.toMatchObject({
      code: 'HOLD_NOT_PENDING',
      details: { status: 'voided' },
    });
    await expect(voidIt(holdId)).rejects.toBeInstanceOf(HoldNotPendingError);
    expect(await ledger.transactionEntries(db.dataSource.manager, holdId)).toEqual([]);
    expect(await balance(merchant)).toMatchObject({ posted: 0n });
  });

  it('refuses to post more than was held, and leaves the hold pending', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const { holdId } = await place(card, merchant, units(10n));

    await expect(post(holdId, 10_000_001n)).rejects.toBeInstanceOf(HoldAmountExceededError);
    await expect(post(holdId, 10_000_001n)).rejects.toMatchObject({
      code: 'HOLD_AMOUNT_EXCEEDED',
      details: { currency: 'USDC', held: '10.00', requested: '10.000001' },
    });
    await expect(post(holdId, 0n)).rejects.toBeInstanceOf(InvalidHoldAmountError);
    expect(await ledger.getHold(db.dataSource.manager, holdId)).toMatchObject({ status: 'pending' });
    expect(await balance(card)).toMatchObject({ posted: 100_000_000n, pendingDebits: 10_000_000n });
    expect((await post(holdId, units(10n))).postedAmount).toBe(10_000_000n);
  });

  it('refuses an unknown hold and a non-positive hold', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    await expect(post(randomUUID())).rejects.toBeInstanceOf(HoldNotFoundError);
    await expect(voidIt('not-a-uuid')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(place(card, merchant, 0n)).rejects.toBeInstanceOf(InvalidHoldAmountError);
    // A posted transaction id is not a hold.
    const txId = await deposit(db.dataSource, ledger, card, units(1n));
    await expect(voidIt(txId)).rejects.toBeInstanceOf(HoldNotFoundError);
  });

  itRacesOnPostgres('resolves concurrent post and void of the same hold exactly once', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const holds: string[] = [];
    for (let i = 0; i < 20; i++) holds.push((await place(card, merchant, units(2n))).holdId);

    const outcomes = await Promise.all(
      holds.map(async (holdId) => {
        const [posted, voided] = await Promise.allSettled([post(holdId), voidIt(holdId)]);
        const winners = [posted, voided].filter((r) => r.status === 'fulfilled');
        const losers = [posted, voided].flatMap((r) =>
          r.status === 'rejected' ? [r.reason as unknown] : [],
        );
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(1);
        expect(losers[0]).toBeInstanceOf(HoldNotPendingError);
        return posted.status === 'fulfilled' ? 'posted' : 'voided';
      }),
    );

    const postedCount = BigInt(outcomes.filter((o) => o === 'posted').length);
    expect(await balance(card)).toMatchObject({
      posted: 100_000_000n - postedCount * 2_000_000n,
      pendingDebits: 0n,
    });
    expect(await balance(merchant)).toMatchObject({ posted: postedCount * 2_000_000n });
  });

  it('expires only pending holds past their expiry, and an expired hold can never be posted', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const now = new Date();
    const pastDue = await place(card, merchant, units(5n), { expiresAt: new Date(now.getTime() - 1_000) });
    const notYetDue = await place(card, merchant, units(7n), {
      expiresAt: new Date(now.getTime() + 3_600_000),
    });
    const noExpiry = await place(card, merchant, units(11n));
    const postedBeforeDue = await place(card, merchant, units(13n), {
      expiresAt: new Date(now.getTime() - 500),
    });
    // Past due but not yet swept: refused as expired all the same.
    await expect(post(postedBeforeDue.holdId)).rejects.toMatchObject({
      code: 'HOLD_NOT_PENDING',
      details: { status: 'expired' },
    });
    expect(await balance(card)).toMatchObject({ pendingDebits: 36_000_000n, available: 64_000_000n });

    const expired = await db.dataSource.transaction((tx) => ledger.expireHolds(tx, now, 500));

    expect(expired).toBe(2);
    const status = async (holdId: string) => (await ledger.getHold(db.dataSource.manager, holdId)).status;
    expect(await status(pastDue.holdId)).toBe('expired');
    expect(await status(postedBeforeDue.holdId)).toBe('expired');
    expect(await status(notYetDue.holdId)).toBe('pending');
    expect(await status(noExpiry.holdId)).toBe('pending');
    expect(await balance(card)).toMatchObject({ posted: 100_000_000n, pendingDebits: 18_000_000n });
    await expect(post(pastDue.holdId)).rejects.toMatchObject({ details: { status: 'expired' } });
    await expect(voidIt(pastDue.holdId)).rejects.toMatchObject({ details: { status: 'expired' } });
    expect(await db.dataSource.transaction((tx) => ledger.expireHolds(tx, now, 500))).toBe(0);
  });

  it('expires in batches of at most `limit` from the job processor, each in its own transaction', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const due = new Date(Date.now() - 60_000);
    for (let i = 0; i < 3; i++) await place(card, merchant, units(1n), { expiresAt: due });
    const jobs = { schedule: jest.fn().mockResolvedValue(undefined) } as unknown as JobQueue;
    const clock = { sync: () => Promise.resolve(), now: () => new Date() } as unknown as Clock;
    const dueWork = { register: jest.fn() } as unknown as DueWork;
    const processor = new HoldExpiryProcessor(db.dataSource, ledger, jobs, clock, dueWork);

    expect(await processor.expire({ limit: 2 })).toEqual({ expired: 2 });
    expect(await processor.expire({ limit: 2 })).toEqual({ expired: 1 });
    expect(await processor.expire({ limit: 2 })).toEqual({ expired: 0 });
    expect(await balance(card)).toMatchObject({ posted: 100_000_000n, pendingDebits: 0n });
  });

  it('expires everything due at a later time when the clock is advanced (due work)', async () => {
    const { card, merchant } = await cardholderAndMerchant();
    const inADay = new Date(Date.now() + 24 * 3_600_000);
    for (let i = 0; i < 3; i++) await place(card, merchant, units(1n), { expiresAt: inADay });
    const jobs = { schedule: jest.fn() } as unknown as JobQueue;
    const clock = { sync: () => Promise.resolve(), now: () => new Date() } as unknown as Clock;
    const dueWork = { register: jest.fn() } as unknown as DueWork;
    const processor = new HoldExpiryProcessor(db.dataSource, ledger, jobs, clock, dueWork);

    expect(await processor.sweep(new Date())).toBe(0);
    // (also due by then: holds of the earlier tests of this file)
    expect(await processor.sweep(new Date(inADay.getTime() + 1_000))).toBeGreaterThanOrEqual(3);
    expect(await balance(card)).toMatchObject({ pendingDebits: 0n });
  });
});
