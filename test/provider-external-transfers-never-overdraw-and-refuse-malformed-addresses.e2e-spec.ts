import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money } from '#monay/kernel';
import { OutboxRelay } from '#monay/shared';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { startProviderTestApp } from './support/provider-movements';
import { expectProvidersReconciled } from './support/reconciliation';
import type { TestApp } from './support/test-app';

const ADDRESS = '0x' + 'c0ffee'.repeat(6) + 'beef';

const MALFORMED = [
  '0x1234',
  '0x' + 'a'.repeat(39),
  '0x' + 'a'.repeat(41),
  '0x' + 'g'.repeat(40),
  '0X' + 'a'.repeat(20) + ' ' + 'a'.repeat(19),
  '0x',
];

describe('external transfers: concurrent sends never overdraw, malformed addresses move nothing', () => {
  let t: TestApp;
  let carol: Customer;
  let dave: Customer;

  beforeAll(async () => {
    ({ t } = await startProviderTestApp({ LIMIT_TIERS: JSON.stringify({ '1': { maxPerHour: 10_000 } }) }));
    [carol, dave] = [await onboard(t, 'carol'), await onboard(t, 'dave')];
    await deposit(t, carol, '20.00');
    await deposit(t, dave, '50.00');
  });
  afterAll(() => t.close());

  const post = (route: string, customer: Customer, body: Record<string, unknown>) =>
    t.http().post(route).set(auth(customer)).set('Idempotency-Key', randomUUID()).send(body);

  const counts = async (userId: string) => {
    const data = t.app.get(DataSource);
    const [movements] = (await data.query(
      `SELECT count(*)::int AS n FROM provider_movements WHERE user_id = $1`,
      [userId],
    )) as Array<{ n: number }>;
    const [sent] = (await data.query(
      `SELECT count(*)::int AS n FROM sandbox_provider_transactions WHERE operation IN ('transferOut', 'batchTransfer')`,
    )) as Array<{ n: number }>;
    return { movements: movements.n, sent: sent.n };
  };

  itRacesOnPostgres(
    'of 12 concurrent sends of 3.00 from 20.00, those that complete fit; the others are refused for funds',
    async () => {
      const responses = await Promise.all(
        Array.from({ length: 12 }, () =>
          post('/api/p2p-transfer/send', carol, { to: ADDRESS, amount: '3.00' }),
        ),
      );
      const completed = responses.filter((r) => r.status === 201);
      const refused = responses.filter((r) => r.status === 422);
      expect(completed.length + refused.length).toBe(12);
      // Each holds 3.50 (3.00 + Monay's 0.50, the highest candidate fee): at least five fit at once; each
      // completes for 3.0001, so at most six can ever be paid from 20.00.
      expect(completed.length).toBeGreaterThanOrEqual(5);
      expect(completed.length).toBeLessThanOrEqual(6);
      expect(new Set(refused.map((r) => r.body.error.code))).toEqual(new Set(['INSUFFICIENT_FUNDS']));
      expect(completed.every((r) => r.body.transfer.debited === '3.0001')).toBe(true);
      const left = Money.parse('20.00', 'USDC').minus(
        Money.of(Money.parse('3.0001', 'USDC').minor * BigInt(completed.length), 'USDC'),
      );
      expect(await balanceOf(t, carol)).toEqual({
        currency: 'USDC',
        available: left.toDecimalString(),
        pending: '0.00',
        total: left.toDecimalString(),
      });
      expect(left.isNegative()).toBe(false);
      const ids = new Set(completed.map((r) => r.body.transfer.id as string));
      expect(ids.size).toBe(completed.length);

      await t.app.get(OutboxRelay).drain();
      const history = await t
        .http()
        .get('/api/transactions?type=transfer_out&limit=50')
        .set(auth(carol))
        .expect(200);
      const lines = history.body.transactions as Array<{ status: string; fee: string }>;
      expect(lines.filter((l) => l.status === 'completed')).toHaveLength(completed.length);
      expect(lines.filter((l) => l.status === 'failed')).toHaveLength(refused.length);
      await expectBooksBalanced(t, [carol]);
      await expectProvidersReconciled(t);
    },
  );

  it('a malformed 0x address is refused with 400 on every route, naming the field, and nothing moves', async () => {
    const before = { balance: await balanceOf(t, dave), ...(await counts(dave.userId)) };
    for (const to of MALFORMED) {
      for (const route of ['/api/p2p-transfer/send', '/api/consumer/transfer']) {
        const response = await post(route, dave, { to, amount: '1.00' });
        expect({ to, route, status: response.status }).toEqual({ to, route, status: 400 });
        expect(response.body.error).toMatchObject({
          code: 'VALIDATION_FAILED',
          details: { fields: [{ field: 'to', problems: [expect.stringContaining('40 hex digits')] }] },
        });
      }
      const validate = await t
        .http()
        .post('/api/p2p-transfer/validate')
        .set(auth(dave))
        .send({ to, amount: '1.00' });
      expect({ to, status: validate.status }).toEqual({ to, status: 400 });
      const batch = await post('/api/consumer/batch-transfer', dave, {
        recipients: [
          { to: ADDRESS, amount: '1.00' },
          { to, amount: '1.00' },
        ],
      });
      expect({ to, status: batch.status }).toEqual({ to, status: 400 });
      expect(batch.body.error.details.fields[0].field).toBe('recipients.1.to');
    }
    expect({ balance: await balanceOf(t, dave), ...(await counts(dave.userId)) }).toEqual(before);
    await expectBooksBalanced(t, [dave]);
  });

  it('an email that happens to start with 0x is still a Monay recipient, never an address', async () => {
    const response = await post('/api/p2p-transfer/send', dave, {
      to: '0xnobody@example.com',
      amount: '1.00',
    });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('RECIPIENT_NOT_FOUND');
  });
});
