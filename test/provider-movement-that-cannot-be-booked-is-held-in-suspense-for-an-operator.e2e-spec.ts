import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { LedgerService, MAX_LEDGER_AMOUNT } from '#monay/ledger';
import { Money } from '#monay/kernel';
import { EXCEPTIONS_SUSPENSE } from '#monay/providers';
import { OutboxWriter } from '#monay/shared';
import { WalletCredited, type WalletCreditedPayload } from '#monay/wallet';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  depositRequest,
  expectClearingMirrorsProviders,
  movementRow,
  startProviderTestApp,
} from './support/provider-movements';
import { asAdmin, expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/** Room left on Alice's USDC wallet below what its bigint column holds: 50.000000 USDC. */
const ROOM = 50_000_000n;

/**
 * A movement a provider completed that can no longer be booked where it belongs (here: the wallet's balance
 * would pass what its column holds) is booked against suspense, shown to operators and announced — never a 500,
 * never retried for ever. An operator's retry books it once the wallet can take it.
 */
describe('provider movement that cannot be booked: suspense and an operator-visible exception, never a loop', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;
  let bob: Customer;
  let depositId: string;
  let exceptionId: string;
  const depositKey = randomUUID();

  beforeAll(async () => {
    ({ t } = await startProviderTestApp());
    admin = await asAdmin(t);
    alice = await onboard(t, 'alice');
    bob = await onboard(t, 'bob');
    await deposit(t, bob, '100.00');
  });
  afterAll(() => t.close());

  /**
   * Moves `amount` between the world and Alice's USDC wallet directly in the ledger (a test's shortcut to a
   * wallet the size of a nation's reserves), with the event that keeps her portfolio read model in step.
   */
  const credit = (amount: bigint) =>
    t.app.get(DataSource).transaction(async (tx) => {
      const ledger = t.app.get(LedgerService);
      const [account] = await ledger.openUserAccounts(tx, alice.userId, ['USDC']);
      const world = await ledger.systemAccount(tx, 'world', 'USDC');
      const { transactionId } = await ledger.post(tx, {
        kind: 'test_adjustment',
        entries: [
          { accountId: world.id, currency: 'USDC', amount: -amount },
          { accountId: account.id, currency: 'USDC', amount },
        ],
      });
      const payload: WalletCreditedPayload = {
        userId: alice.userId,
        currency: 'USDC',
        amount: Money.of(amount, 'USDC').toDecimalString(),
        fee: '0',
        provider: 'test',
        ledgerTransactionId: transactionId,
      };
      await t.app
        .get(OutboxWriter)
        .append(tx, [{ type: WalletCredited, aggregateId: transactionId, userIds: [alice.userId], payload }]);
    });

  const outboxEvents = async (type: string, aggregate: string) =>
    (await t.app
      .get(DataSource)
      .query(`SELECT payload FROM outbox WHERE type = $1 AND payload::text LIKE $2`, [
        type,
        `%${aggregate}%`,
      ])) as Array<{
      payload: Record<string, unknown>;
    }>;

  it('a deposit the provider completed but the wallet cannot take: 202 under review, in suspense, listed, announced', async () => {
    await credit(MAX_LEDGER_AMOUNT - ROOM);
    const response = await depositRequest(t, alice, { amount: '100.00', currency: 'USDC' }, depositKey);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      success: true,
      status: 'under_review',
      credited: null,
      deposit: {
        status: 'under_review',
        provider: 'tempo',
        fee: '0.10',
        credited: null,
        review: { code: 'BALANCE_LIMIT_EXCEEDED', exceptionId: expect.any(String) },
      },
    });
    depositId = response.body.deposit.id as string;
    exceptionId = response.body.deposit.review.exceptionId as string;

    // Its client's retry is answered as it stands (never 409 for ever, never 500).
    const replay = await depositRequest(t, alice, { amount: '100.00', currency: 'USDC' }, depositKey).expect(
      202,
    );
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.deposit).toMatchObject({ id: depositId, status: 'under_review' });
    const seen = await t.http().get(`/api/consumer/deposits/${depositId}`).set(auth(alice)).expect(200);
    expect(seen.body.deposit).toMatchObject({ status: 'under_review', credited: null });

    // Operators see it: the movement, its provider, amount, fee, why.
    const listed = await t.http().get('/api/admin/movement-exceptions').set(admin).expect(200);
    expect(listed.body).toMatchObject({ success: true, nextCursor: null });
    expect(listed.body.exceptions).toEqual([
      expect.objectContaining({
        id: exceptionId,
        status: 'open',
        movement: { id: depositId, kind: 'deposit', userId: alice.userId },
        provider: 'tempo',
        currency: 'USDC',
        amount: '100.00',
        fee: '0.10',
        reason: expect.objectContaining({ code: 'BALANCE_LIMIT_EXCEEDED' }),
      }),
    ]);
    expect(await outboxEvents('MovementExceptionRaised', depositId)).toEqual([
      {
        payload: expect.objectContaining({
          exceptionId,
          movementId: depositId,
          provider: 'tempo',
          amount: '100.00',
          reason: expect.objectContaining({ code: 'BALANCE_LIMIT_EXCEEDED' }),
        }),
      },
    ]);
    // Nothing reached the wallet; the provider's side is held in suspense, so its clearing account mirrors it.
    expect(await balanceOf(t, alice)).toMatchObject({
      total: Money.of(MAX_LEDGER_AMOUNT - ROOM, 'USDC').toDecimalString(),
    });
    const ledger = t.app.get(LedgerService);
    const manager = t.app.get(DataSource).manager;
    expect(await ledger.systemBalance(manager, 'USDC', 'suspense', EXCEPTIONS_SUSPENSE)).toBe(99_900_000n);
    // What alerting sees: one exception open.
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(/^monay_movement_exceptions_open 1$/m);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('is settled: the poller never tries it again', async () => {
    const before = (await t.app
      .get(DataSource)
      .query(`SELECT status, poll_attempts, ledger_transaction_id FROM provider_movements WHERE id = $1`, [
        depositId,
      ])) as Array<Record<string, unknown>>;
    // Several poll intervals (200 ms in tests).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = (await t.app
      .get(DataSource)
      .query(`SELECT status, poll_attempts, ledger_transaction_id FROM provider_movements WHERE id = $1`, [
        depositId,
      ])) as Array<Record<string, unknown>>;
    expect(after).toEqual(before);
    expect(after[0]).toMatchObject({ status: 'completed' });
  });

  it('a transfer to the full wallet is refused 422 BALANCE_LIMIT_EXCEEDED, nothing moved', async () => {
    const response = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(bob))
      .set('Idempotency-Key', randomUUID())
      .send({ to: alice.email, amount: '60.00' })
      .expect(422);
    expect(response.body.error.code).toBe('BALANCE_LIMIT_EXCEEDED');
    expect(await balanceOf(t, bob)).toMatchObject({ total: '100.00' });
  });

  it('an operator retry while the wallet still cannot take it: 422 with the refusal, nothing changed', async () => {
    const response = await t
      .http()
      .post(`/api/admin/movement-exceptions/${exceptionId}/retry`)
      .set(admin)
      .expect(422);
    expect(response.body.error.code).toBe('BALANCE_LIMIT_EXCEEDED');
    const listed = await t.http().get('/api/admin/movement-exceptions?status=open').set(admin).expect(200);
    expect(listed.body.exceptions.map((e: { id: string }) => e.id)).toEqual([exceptionId]);
    expect(
      await t.app
        .get(LedgerService)
        .systemBalance(t.app.get(DataSource).manager, 'USDC', 'suspense', EXCEPTIONS_SUSPENSE),
    ).toBe(99_900_000n);
    await expectBooksBalanced(t, [alice]);
  });

  it('once there is room, an operator retry books it once: credited, resolved, the client answered 201', async () => {
    await credit(-(MAX_LEDGER_AMOUNT - ROOM)); // the reserves leave again
    const response = await t
      .http()
      .post(`/api/admin/movement-exceptions/${exceptionId}/retry`)
      .set(admin)
      .expect(200);
    expect(response.body).toMatchObject({
      success: true,
      exception: {
        id: exceptionId,
        status: 'resolved',
        resolution: expect.objectContaining({ action: 'retry' }),
      },
      movement: { id: depositId, kind: 'deposit', status: 'completed' },
    });
    const seen = await t.http().get(`/api/consumer/deposits/${depositId}`).set(auth(alice)).expect(200);
    expect(seen.body.deposit).toMatchObject({ status: 'completed', credited: '99.90' });
    expect(seen.body.deposit).not.toHaveProperty('review');
    const replay = await depositRequest(t, alice, { amount: '100.00', currency: 'USDC' }, depositKey).expect(
      201,
    );
    expect(replay.body).toMatchObject({ credited: '99.90', deposit: { id: depositId, status: 'completed' } });
    expect(await balanceOf(t, alice)).toMatchObject({ total: '99.90' });
    expect(await movementRow(t, depositId)).toMatchObject({ status: 'completed', net: '99900000' });
    expect(
      await t.app
        .get(LedgerService)
        .systemBalance(t.app.get(DataSource).manager, 'USDC', 'suspense', EXCEPTIONS_SUSPENSE),
    ).toBe(0n);
    expect(await outboxEvents('MovementExceptionResolved', depositId)).toHaveLength(1);
    expect(await outboxEvents('DepositCompleted', depositId)).toHaveLength(1);

    // Once resolved, it stays so.
    const again = await t
      .http()
      .post(`/api/admin/movement-exceptions/${exceptionId}/retry`)
      .set(admin)
      .expect(409);
    expect(again.body.error.code).toBe('EXCEPTION_RESOLVED');
    const open = await t.http().get('/api/admin/movement-exceptions').set(admin).expect(200);
    expect(open.body.exceptions).toEqual([]);
    const all = await t.http().get('/api/admin/movement-exceptions?status=all').set(admin).expect(200);
    expect(all.body.exceptions).toEqual([expect.objectContaining({ id: exceptionId, status: 'resolved' })]);
    expect((await t.http().get('/metrics').expect(200)).text).toMatch(/^monay_movement_exceptions_open 0$/m);
    await waitFor('the portfolio to follow', async () => {
      const portfolio = await t.http().get('/api/consumer/portfolio').set(auth(alice)).expect(200);
      return portfolio.body.totalUSD === '99.90' ? true : undefined;
    });
    await expectBooksBalanced(t, [alice, bob]);
    await expectClearingMirrorsProviders(t);
    await expectProvidersReconciled(t);
  });

  it('keeps the routes for operators: 401 without a token, 403 for a customer, 404 for an unknown id', async () => {
    await t.http().get('/api/admin/movement-exceptions').expect(401);
    await t.http().get('/api/admin/movement-exceptions').set(auth(alice)).expect(403);
    await t.http().post(`/api/admin/movement-exceptions/${exceptionId}/retry`).set(auth(alice)).expect(403);
    const unknown = await t
      .http()
      .post(`/api/admin/movement-exceptions/${randomUUID()}/retry`)
      .set(admin)
      .expect(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    await t.http().post('/api/admin/movement-exceptions/not-an-id/retry').set(admin).expect(404);
    await t.http().get('/api/admin/movement-exceptions?status=closed').set(admin).expect(400);
  });
});
