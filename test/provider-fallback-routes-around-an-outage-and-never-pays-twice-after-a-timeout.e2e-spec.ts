import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  adapterOf,
  depositRequest,
  expectClearingMirrorsProviders,
  holdOf,
  movementRow,
  setMode,
  startProviderTestApp,
  withdrawRequest,
} from './support/provider-movements';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('provider fallback: around an outage, and never a second provider after a timeout', () => {
  let t: TestApp;
  let admin: { Authorization: string };
  let alice: Customer;

  beforeAll(async () => {
    ({ t, admin } = await startProviderTestApp());
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '200.00');
  });
  afterAll(() => t.close());

  const tempoBreaker = async () => {
    const response = await t.http().get('/api/providers/health').set(auth(alice)).expect(200);
    return (response.body.providers as Array<{ name: string; breaker: string }>).find(
      (p) => p.name === 'tempo',
    )!.breaker;
  };

  it('with Tempo in outage every deposit and withdrawal goes through Circle, naming Tempo and why', async () => {
    await setMode(t, admin, 'tempo', 'outage');
    try {
      for (let i = 0; i < 3; i += 1) {
        const deposited = await depositRequest(t, alice, { amount: '30.00', currency: 'USDC' }).expect(201);
        expect(deposited.body).toMatchObject({ provider: 'circle', fee: '0.00', credited: '30.00' });
        expect(deposited.body.deposit.skippedProviders).toEqual([
          expect.objectContaining({
            provider: 'tempo',
            reason: expect.stringMatching(/^(unavailable|breaker_open)$/),
          }),
        ]);
        const withdrawn = await withdrawRequest(t, alice, { amount: '10.00', currency: 'USDC' }).expect(201);
        expect(withdrawn.body.withdrawal).toMatchObject({
          provider: 'circle',
          fee: '1.00',
          debited: '11.00',
        });
        expect(withdrawn.body.withdrawal.skippedProviders).toEqual([
          expect.objectContaining({
            provider: 'tempo',
            reason: expect.stringMatching(/^(unavailable|breaker_open)$/),
          }),
        ]);
      }
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    // 200.00 + 3 × 30.00 − 3 × 11.00
    expect((await balanceOf(t, alice))?.total).toBe('257.00');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('back to healthy (and its breaker closed again), Tempo takes them again', async () => {
    await waitFor('tempo breaker closed', async () =>
      (await tempoBreaker()) === 'closed' ? true : undefined,
    );
    const deposited = await depositRequest(t, alice, { amount: '10.00', currency: 'USDC' }).expect(201);
    expect(deposited.body).toMatchObject({ provider: 'tempo', fee: '0.01', credited: '9.99' });
    expect(deposited.body.deposit.skippedProviders).toEqual([]);
    const withdrawn = await withdrawRequest(t, alice, { amount: '10.00' }).expect(201);
    expect(withdrawn.body.withdrawal).toMatchObject({ provider: 'tempo', fee: '0.01', debited: '10.01' });
    expect((await balanceOf(t, alice))?.total).toBe('256.98');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('Tempo times out but did pay out: recorded once at Tempo, never sent to Circle, posted once', async () => {
    await waitFor('tempo breaker closed', async () =>
      (await tempoBreaker()) === 'closed' ? true : undefined,
    );
    await setMode(t, admin, 'tempo', 'timeout');
    let response;
    try {
      response = await withdrawRequest(t, alice, { amount: '25.00' });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect([201, 202]).toContain(response.status);
    const id = response.body.withdrawal.id as string;
    expect(response.body.withdrawal.provider).toBe('tempo');
    const withdrawal = await waitFor('the withdrawal to settle', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? got.body.withdrawal : undefined;
    });
    expect(withdrawal).toMatchObject({ provider: 'tempo', fee: '0.025', debited: '25.025' });

    // Tempo has it once; Circle never heard of it.
    const atTempo = await adapterOf(t, 'tempo').getTransactionStatus(id);
    expect(atTempo).toMatchObject({ idempotencyKey: id, status: 'completed', amount: 25_000_000n });
    expect(await adapterOf(t, 'circle').getTransactionStatus(id)).toBeNull();
    expect(await adapterOf(t, 'monay').getTransactionStatus(id)).toBeNull();

    // Posted once: its one hold posted for amount + fee, and one transaction to Tempo's clearing account.
    const row = await movementRow(t, id);
    expect((await holdOf(t, row.hold_id as string)).postedAmount).toBe(25_025_000n);
    const booked = (await t.app.get(DataSource).query(
      `SELECT t.id::text AS id, t.status, a.kind, a.qualifier, e.amount::text AS amount
         FROM ledger_transactions t
         JOIN ledger_entries e ON e.transaction_id = t.id
         JOIN ledger_accounts a ON a.id = e.account_id
        WHERE t.reference = $1 ORDER BY e.id`,
      [id],
    )) as Array<{ id: string; status: string; kind: string; qualifier: string; amount: string }>;
    expect(booked.map(({ id: txId, ...entry }) => ({ ...entry, hold: txId === row.hold_id }))).toEqual([
      { status: 'posted', kind: 'user_wallet', qualifier: '', amount: '-25025000', hold: true },
      { status: 'posted', kind: 'suspense', qualifier: 'provider-outbound', amount: '25025000', hold: true },
      {
        status: 'posted',
        kind: 'suspense',
        qualifier: 'provider-outbound',
        amount: '-25025000',
        hold: false,
      },
      { status: 'posted', kind: 'provider_clearing', qualifier: 'tempo', amount: '25025000', hold: false },
    ]);
    expect((await balanceOf(t, alice))?.total).toBe('231.955');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('Tempo times out and cannot even say whether it has it: 202, kept at Tempo, settled once it can say', async () => {
    await waitFor('tempo breaker closed', async () =>
      (await tempoBreaker()) === 'closed' ? true : undefined,
    );
    const before = await balanceOf(t, alice);
    const tempo = adapterOf(t, 'tempo');
    const status = jest
      .spyOn(tempo, 'getTransactionStatus')
      .mockRejectedValue(new Error('status unavailable'));
    await setMode(t, admin, 'tempo', 'timeout');
    let response;
    try {
      response = await withdrawRequest(t, alice, { amount: '2.00' });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect(response.status).toBe(202);
    expect(response.body.withdrawal).toMatchObject({ status: 'processing', provider: 'tempo', held: '3.00' });
    const id = response.body.withdrawal.id as string;
    // Ambiguous: never sent anywhere else.
    expect(await adapterOf(t, 'circle').getTransactionStatus(id)).toBeNull();
    expect(await adapterOf(t, 'monay').getTransactionStatus(id)).toBeNull();
    expect((await balanceOf(t, alice))?.available).toBe(
      Money.parse(before!.available, 'USDC').minus(Money.parse('3.00', 'USDC')).toDecimalString(),
    );
    status.mockRestore();
    const withdrawal = await waitFor('the poller to settle it at Tempo', async () => {
      const got = await t.http().get(`/api/consumer/withdrawals/${id}`).set(auth(alice)).expect(200);
      return got.body.withdrawal.status === 'completed' ? got.body.withdrawal : undefined;
    });
    expect(withdrawal).toMatchObject({ provider: 'tempo', fee: '0.002', debited: '2.002' });
    expect((await balanceOf(t, alice))?.total).toBe('229.953');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('a deposit through a timing-out Tempo is credited once, at Tempo', async () => {
    await waitFor('tempo breaker closed', async () =>
      (await tempoBreaker()) === 'closed' ? true : undefined,
    );
    await setMode(t, admin, 'tempo', 'timeout');
    let response;
    try {
      response = await depositRequest(t, alice, { amount: '5.00', currency: 'USDC' });
    } finally {
      await setMode(t, admin, 'tempo', 'healthy');
    }
    expect([201, 202]).toContain(response.status);
    const id = response.body.deposit.id as string;
    await waitFor('the deposit to settle', async () => {
      const got = await t.http().get(`/api/consumer/deposits/${id}`).set(auth(alice)).expect(200);
      return got.body.deposit.status === 'completed' ? true : undefined;
    });
    expect(await adapterOf(t, 'circle').getTransactionStatus(id)).toBeNull();
    expect((await balanceOf(t, alice))?.total).toBe('234.948');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });
});
