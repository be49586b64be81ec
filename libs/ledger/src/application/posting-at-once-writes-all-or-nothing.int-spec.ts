import { randomUUID } from 'node:crypto';
import { IdempotencyStore, type Guard, type SqlWrite } from '#monay/shared';
import { itRacesOnPostgres, openTestDataSource, type TestDataSource } from '../../../shared/src/testing';
import type { LedgerAccount } from '../domain/ledger-account';
import { createLedgerService, deposit, openWallet, units } from '../testing';
import type { LedgerService } from './ledger.service';
import { verifyLedger } from './verify-ledger';

/**
 * LedgerService.postAtOnce: one autocommit statement carrying an idempotency claim, another guard and writes of
 * other contexts; everything is written, or nothing is (not the claim, not what a guard wrote before another refused).
 */
describe('a posting at once writes all or nothing', () => {
  let db: TestDataSource;
  let ledger: LedgerService;
  const store = new IdempotencyStore();

  beforeAll(async () => {
    db = await openTestDataSource([], 10);
    ledger = createLedgerService();
  });
  afterAll(() => db.close());

  /** A key row of its own: a write whose effect the test can see. `returning` makes it a guard's write. */
  const keyWrite = (userId: string, key: string, returning = false): SqlWrite => ({
    sql: `INSERT INTO idempotency_keys (user_id, key, scope, request_hash, status)
          VALUES ($1, $2, 'test', 'hash', 'in_flight')${returning ? ' RETURNING 1' : ''}`,
    params: [userId, key],
  });

  const keysOf = async (userId: string): Promise<string[]> =>
    (
      (await db.dataSource.query(`SELECT key FROM idempotency_keys WHERE user_id = $1 ORDER BY key`, [
        userId,
      ])) as Array<{ key: string }>
    ).map((row) => row.key);

  const posted = async (account: LedgerAccount): Promise<bigint> =>
    (await ledger.balanceOf(db.dataSource.manager, account.id)).posted;

  async function funded(amount: bigint) {
    const payer = await openWallet(db.dataSource, ledger);
    const payee = await openWallet(db.dataSource, ledger);
    await deposit(db.dataSource, ledger, payer, amount);
    return { payer, payee, userId: randomUUID() };
  }

  function pay(
    payer: LedgerAccount,
    payee: LedgerAccount,
    amount: bigint,
    guards: Guard[],
    after: SqlWrite[] = [],
    id = randomUUID(),
  ): Promise<boolean> {
    return ledger.postAtOnce(
      db.dataSource.manager,
      {
        id,
        kind: 'p2p_transfer',
        entries: [
          { accountId: payer.id, currency: 'USDC', amount: -amount },
          { accountId: payee.id, currency: 'USDC', amount },
        ],
      },
      guards,
      after,
    );
  }

  const claim = (userId: string, key: string) =>
    store.claimAnswered({ userId, key, scope: 'p2p', body: { key } }, { status: 201, body: { ok: true } });

  /** A payment carrying the claim of key `k1`, a guard that writes the row `guard` and needs `guardRows` rows, and
   * the carried write of row `after`. */
  const payCarrying = (
    { payer, payee, userId }: { payer: LedgerAccount; payee: LedgerAccount; userId: string },
    amount: bigint,
    { guardRows = 1, id = randomUUID() } = {},
  ) =>
    pay(
      payer,
      payee,
      amount,
      [claim(userId, 'k1'), { write: keyWrite(userId, 'guard', true), rowsToProceed: guardRows }],
      [keyWrite(userId, 'after')],
      id,
    );

  it('writes the claim with its answer, the guard, the posting and the carried writes', async () => {
    const wallets = await funded(units(10n));
    const { payer, payee, userId } = wallets;
    const id = randomUUID();

    const done = await payCarrying(wallets, units(4n), { id });

    expect(done).toBe(true);
    expect(await posted(payer)).toBe(units(6n));
    expect(await posted(payee)).toBe(units(4n));
    expect(await ledger.transactionEntries(db.dataSource.manager, id)).toHaveLength(2);
    expect(await keysOf(userId)).toEqual(['after', 'guard', 'k1']);
    const [answer] = (await db.dataSource.query(
      `SELECT status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = 'k1'`,
      [userId],
    )) as Array<{ status: string; response_status: number; response_body: unknown }>;
    expect(answer).toEqual({ status: 'completed', response_status: 201, response_body: { ok: true } });
    expect(await store.answered(db.dataSource.manager, { userId, key: 'k1', scope: 'p2p', body: { key: 'k1' } })).toBe(
      true,
    );
  });

  it('writes nothing when funds refuse: no claim, no guard row, no carried write, no transaction', async () => {
    const wallets = await funded(units(3n));
    const { payer, payee, userId } = wallets;
    const id = randomUUID();

    const done = await payCarrying(wallets, units(4n), { id });

    expect(done).toBe(false);
    expect(await keysOf(userId)).toEqual([]);
    expect(await posted(payer)).toBe(units(3n));
    expect(await posted(payee)).toBe(0n);
    expect(await ledger.transactionEntries(db.dataSource.manager, id)).toHaveLength(0);
  });

  it('writes nothing when a guard refuses, not even what that guard and the claim before it wrote', async () => {
    const wallets = await funded(units(10n));
    const { payer, userId } = wallets;

    // The guard writes its row but needs two: refused.
    const done = await payCarrying(wallets, units(1n), { guardRows: 2 });

    expect(done).toBe(false);
    expect(await keysOf(userId)).toEqual([]);
    expect(await posted(payer)).toBe(units(10n));
  });

  it('writes nothing when the key is already claimed, and the guard after the claim is not run', async () => {
    const wallets = await funded(units(10n));
    const { payer, payee, userId } = wallets;
    expect(await pay(payer, payee, units(1n), [claim(userId, 'k1')])).toBe(true);

    const again = await payCarrying(wallets, units(1n));

    expect(again).toBe(false);
    expect(await keysOf(userId)).toEqual(['k1']);
    expect(await posted(payer)).toBe(units(9n));
  });

  it('refuses to run inside a transaction, whose commit would not be its own', async () => {
    const { payer, payee } = await funded(units(1n));
    await expect(
      db.dataSource.transaction((tx) =>
        ledger.postAtOnce(
          tx,
          {
            kind: 'p2p_transfer',
            entries: [
              { accountId: payer.id, currency: 'USDC', amount: -1n },
              { accountId: payee.id, currency: 'USDC', amount: 1n },
            ],
          },
          [],
        ),
      ),
    ).rejects.toThrow(/outside one/);
  });

  itRacesOnPostgres('of 60 concurrent payments of 1 out of 20, exactly 20 are written, each whole', async () => {
    const { payer, payee, userId } = await funded(units(20n));

    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        pay(payer, payee, units(1n), [claim(userId, `k${i}`)], [keyWrite(userId, `after${i}`)]),
      ),
    );

    expect(results.filter(Boolean)).toHaveLength(20);
    expect(await posted(payer)).toBe(0n);
    expect(await posted(payee)).toBe(units(20n));
    const keys = await keysOf(userId);
    expect(keys).toHaveLength(40);
    // Each payment that went through has its claim and its carried write; no other has either.
    results.forEach((done, i) => {
      expect(keys.includes(`k${i}`)).toBe(done);
      expect(keys.includes(`after${i}`)).toBe(done);
    });
    expect(await verifyLedger(db.dataSource.manager)).toMatchObject({ ok: true, breaches: [] });
  });

  itRacesOnPostgres('of 20 concurrent payments with one key, exactly one is written', async () => {
    const { payer, payee, userId } = await funded(units(20n));

    const results = await Promise.all(
      Array.from({ length: 20 }, () => pay(payer, payee, units(1n), [claim(userId, 'same')])),
    );

    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await posted(payer)).toBe(units(19n));
    expect(await keysOf(userId)).toEqual(['same']);
  });
});
