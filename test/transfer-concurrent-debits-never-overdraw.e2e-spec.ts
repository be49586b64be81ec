import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('concurrent debits never overdraw', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startTestApp({
      LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }),
      // A send above the tier's per-transaction limit is refused for the limit, not first asked to step up.
      STEP_UP_AMOUNT_USD: '1000000.00',
    });
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t.close());

  itRacesOnPostgres(
    'of 200 concurrent 1.00 transfers from a wallet holding 100.00, exactly 100 complete',
    async () => {
      const responses = await Promise.all(
        Array.from({ length: 200 }, () =>
          t
            .http()
            .post('/api/p2p-transfer/send')
            .set(auth(alice))
            .set('Idempotency-Key', randomUUID())
            .send({ to: bob.email, amount: '1.00', currency: 'USDC' }),
        ),
      );
      const completed = responses.filter((r) => r.status === 201);
      const refused = responses.filter((r) => r.status === 422);
      expect(completed).toHaveLength(100);
      expect(refused).toHaveLength(100);
      expect(new Set(refused.map((r) => r.body.error.code))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
      expect(refused.every((r) => r.body.transfer.status === 'failed')).toBe(true);

      expect(await balanceOf(t, alice)).toEqual({
        currency: 'USDC',
        available: '0.00',
        pending: '0.00',
        total: '0.00',
      });
      expect((await balanceOf(t, bob))?.total).toBe('100.00');
      await expectBooksBalanced(t, [alice, bob]);
    },
  );

  it('records a refused transfer as failed, with its reason, and moves nothing', async () => {
    // A sender with nothing (the race above, which drains Alice, runs on PostgreSQL only).
    const carol = await onboard(t, 'carol');
    const response = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(carol))
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.address, amount: '5.00' })
      .expect(422);
    // What the client learns: the currency and what was available as a decimal string, never the ledger's
    // internal account id or minor units.
    expect(response.body.error).toMatchObject({
      code: 'INSUFFICIENT_FUNDS',
      details: { currency: 'USDC', available: '0.00' },
    });
    expect(Object.keys(response.body.error.details).sort()).toEqual(['available', 'currency']);
    const status = await t
      .http()
      .get(`/api/p2p-transfer/status/${response.body.transfer.id}`)
      .set(auth(carol))
      .expect(200);
    expect(status.body.transfer).toMatchObject({ status: 'failed', failure: { code: 'INSUFFICIENT_FUNDS' } });
    expect(status.body.history.map((h: { status: string }) => h.status)).toEqual([
      'pending',
      'processing',
      'failed',
    ]);
    expect(status.body.history.at(-1).reason).toBe('INSUFFICIENT_FUNDS');
    // The booking is written optimistically with the ledger's posting and undone on refusal: nothing of the
    // completed transfer is left, not its event, not a ledger transaction, not its limits' usage.
    const db = t.app.get(DataSource);
    const transferId = response.body.transfer.id as string;
    const events = (await db.query(`SELECT type FROM outbox WHERE aggregate_id = $1`, [
      transferId,
    ])) as Array<{
      type: string;
    }>;
    expect(events.map((e) => e.type)).toEqual(['TransferFailed']);
    const ledger = (await db.query(
      `SELECT count(*)::int AS n FROM ledger_transactions WHERE reference = $1`,
      [transferId],
    )) as Array<{ n: number }>;
    expect(ledger[0].n).toBe(0);
    const rows = (await db.query(`SELECT status FROM transfers WHERE id = $1`, [transferId])) as Array<{
      status: string;
    }>;
    expect(rows).toEqual([{ status: 'failed' }]);
    await expectBooksBalanced(t, [alice, bob, carol]);
  });
  itRacesOnPostgres(
    "records a refusal only once it holds the sender's account, so the sender's events keep commit order",
    async () => {
      // A limit refusal never reaches the ledger's lock; its failure and event must still queue behind a movement
      // in flight on the sender's account (else the event gets the earlier outbox sequence and commits later, and
      // the relay hands the sender's events to consumers out of order).
      const dave = await onboard(t, 'dave');
      await deposit(t, dave, '1.00');
      const limits = await t.http().get('/api/wallet/limits').set(auth(dave)).expect(200);
      const aboveLimit = Money.parse(limits.body.perTransaction, 'USDC').plus(Money.parse('1.00', 'USDC'));
      const db = t.app.get(DataSource);
      const inFlight = db.createQueryRunner();
      await inFlight.connect();
      await inFlight.startTransaction();
      let answered = false;
      try {
        await inFlight.query(
          `SELECT id FROM ledger_accounts WHERE owner_id = $1 AND kind = 'user_wallet' FOR UPDATE`,
          [dave.userId],
        );
        const refusal = t
          .http()
          .post('/api/p2p-transfer/send')
          .set(auth(dave))
          .set('Idempotency-Key', randomUUID())
          .send({ to: bob.email, amount: aboveLimit.toDecimalString(), currency: 'USDC' })
          .then((response) => {
            answered = true;
            return response;
          });
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(answered).toBe(false);
        // The movement in flight writes its event (published already: no consumer is to see this probe).
        const [{ sequence: inFlightSequence }] = (await inFlight.query(
          `INSERT INTO outbox (event_id, type, version, aggregate_id, user_ids, payload, published_at)
           VALUES ($1, 'SpecOrderProbe', 1, $2, ARRAY[$3]::uuid[], '{}'::jsonb, now()) RETURNING sequence::text`,
          [randomUUID(), randomUUID(), dave.userId],
        )) as Array<{ sequence: string }>;
        await inFlight.commitTransaction();
        const response = await refusal;
        expect(response.status).toBe(422);
        expect(response.body.error.code).toBe('LIMIT_EXCEEDED');
        const [failed] = (await db.query(
          `SELECT sequence::text FROM outbox WHERE aggregate_id = $1 AND type = 'TransferFailed'`,
          [response.body.transfer.id],
        )) as Array<{ sequence: string }>;
        expect(BigInt(failed.sequence)).toBeGreaterThan(BigInt(inFlightSequence));
      } finally {
        if (inFlight.isTransactionActive) await inFlight.rollbackTransaction();
        await inFlight.release();
      }
    },
  );
});
