import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signStandardWebhook } from '#monay/cards';
import { AppConfig, OutboxRelay } from '#monay/shared';
import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { registerAdmin, type Admin } from './support/admin';
import { cardholder, createCard, listen, network, purchase, MERCHANT } from './support/cards';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from './support/money';
import { advanceClock } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Card spend is an ordinary ledger movement: an authorization the app approves in real time is a hold on the
 * funding stablecoin (available drops at once), a clearing posts it (for less: the rest is released; for more
 * within the tip allowance: the excess is debited), a reversal or an expiry voids it, a refund credits the wallet.
 * The sandbox network delivers every webhook twice here (CARD_SANDBOX_DUPLICATE_RATE=1): each applies once.
 */
describe('Cards: authorizations are ledger holds, cleared, reversed, refunded and expired exactly', () => {
  let t: TestApp;
  let admin: Admin;
  const customers: Customer[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      CARD_SANDBOX_DUPLICATE_RATE: '1',
      // The real-time deadline is the bench's business: here a loaded machine must not turn answers into timeouts.
      CARD_AUTHORIZATION_TIMEOUT_MS: '10000',
      CARD_AUTHORIZATION_EXPIRY_DAYS: '7',
    });
    await listen(t);
    admin = await registerAdmin(t, 'cards-admin');
  }, 60_000);
  afterAll(async () => {
    await expectBooksBalanced(t, customers);
    await t.close();
  });

  const holder = async (prefix: string, funds: string, limits: Record<string, unknown> = {}) => {
    const made = await cardholder(t, prefix, funds, limits);
    customers.push(made.customer);
    return made;
  };
  const available = async (customer: Customer) => (await balanceOf(t, customer))?.available;
  const balance = async (customer: Customer) => {
    const b = await balanceOf(t, customer);
    return { available: b?.available, pending: b?.pending, total: b?.total };
  };
  const lines = async (customer: Customer, cardId: string) =>
    (await t.http().get(`/api/card/${cardId}/transactions`).set(auth(customer)).expect(200)).body
      .transactions as Array<{ type: string; amount: string; declineCode: string | null }>;
  const history = async (customer: Customer) => {
    await t.app.get(OutboxRelay).drain();
    return (await t.http().get('/api/transactions').set(auth(customer)).expect(200)).body
      .transactions as Array<{
      id: string;
      type: string;
      status: string;
      amount: string;
      failureCode?: string | null;
    }>;
  };

  it('a Basic user is refused a card (tier gate); a Verified one gets it with the last 4 only', async () => {
    const basic = await onboard(t, 'basic');
    const refused = await createCard(t, basic, { nickname: 'nope' }).expect(403);
    expect(refused.body.error.code).toBe('KYC_TIER_REQUIRED');

    const { customer, card } = await holder('ada', '0.00', { perAuthorization: '100.00', daily: '150.00' });
    expect(card).toMatchObject({
      state: 'OPEN',
      last4: expect.stringMatching(/^[0-9]{4}$/),
      fundingCurrency: 'USDC',
      limits: {
        perAuthorization: '100.00',
        daily: '150.00',
        monthly: null,
        allTime: null,
        blockedCategories: [],
      },
      replacementFor: null,
    });
    const got = await t.http().get(`/api/card/virtual/${card.id}`).set(auth(customer)).expect(200);
    expect(JSON.stringify(got.body)).not.toMatch(/"pan"|"cvv"|400000[0-9]{10}/);
    expect(got.body.card.usage).toEqual({ daily: '0.00', monthly: '0.00', allTime: '0.00' });
    const listed = await t.http().get('/api/cards').set(auth(customer)).expect(200);
    expect(listed.body.cards.map((c: { id: string }) => c.id)).toEqual([card.id]);
  });

  it('authorize → the hold shows in available at once → clear for less → the rest is released', async () => {
    const { customer, card } = await holder('bea', '200.00');
    const auth1 = await purchase(t, admin, card.id, '40.00');
    expect(auth1).toMatchObject({ status: 'pending', declineCode: null, amount: '40.00' });
    expect(await balance(customer)).toEqual({ available: '160.00', pending: '40.00', total: '200.00' });

    const cleared = await network(t, admin, card.id, 'clear', { authorizationId: auth1.id, amount: '30.00' });
    expect(cleared.status).toBe(200);
    expect(cleared.body.authorization).toMatchObject({ status: 'closed', cleared: '30.00' });
    expect(await balance(customer)).toEqual({ available: '170.00', pending: '0.00', total: '170.00' });

    expect((await lines(customer, card.id)).map((l) => [l.type, l.amount])).toEqual([
      ['clearing', '30.00'],
      ['authorization', '40.00'],
    ]);
    const seen = await history(customer);
    expect(seen.find((l) => l.type === 'card_payment')).toMatchObject({
      status: 'completed',
      amount: '30.00',
    });
  });

  it('declines over a limit, when paused and for a blocked category, with stable codes, and nothing held', async () => {
    const { customer, card } = await holder('cy', '500.00', { perAuthorization: '100.00', daily: '150.00' });
    expect((await purchase(t, admin, card.id, '100.01')).declineCode).toBe('CARD_LIMIT');
    expect((await purchase(t, admin, card.id, '100.00')).status).toBe('pending');
    // 100 of the day's 150 used: 50.01 more would pass it.
    expect((await purchase(t, admin, card.id, '50.01')).declineCode).toBe('CARD_LIMIT');
    expect((await purchase(t, admin, card.id, '50.00')).status).toBe('pending');

    const limits = await t
      .http()
      .put(`/api/card/${card.id}/limits`)
      .set(auth(customer))
      .send({ daily: '300.00', blockedCategories: ['7995'] })
      .expect(200);
    expect(limits.body.card).toMatchObject({
      limits: { perAuthorization: '100.00', daily: '300.00', blockedCategories: ['7995'] },
      usage: { daily: '150.00', monthly: '150.00', allTime: '150.00' },
    });
    expect((await purchase(t, admin, card.id, '5.00', { name: 'Casino', mcc: '7995' })).declineCode).toBe(
      'MCC_BLOCKED',
    );

    await t.http().put(`/api/card/${card.id}/freeze`).set(auth(customer)).send({ frozen: true }).expect(200);
    const paused = await purchase(t, admin, card.id, '1.00');
    expect(paused).toMatchObject({ status: 'declined', declineCode: 'CARD_PAUSED' });
    await t.http().put(`/api/card/${card.id}/freeze`).set(auth(customer)).send({ frozen: false }).expect(200);
    expect((await purchase(t, admin, card.id, '1.00')).status).toBe('pending');

    expect(await balance(customer)).toEqual({ available: '349.00', pending: '151.00', total: '500.00' });
    const seen = await history(customer);
    expect(
      seen
        .filter((l) => l.status === 'failed')
        .map((l) => l.failureCode)
        .sort(),
    ).toEqual(['CARD_LIMIT', 'CARD_LIMIT', 'CARD_PAUSED', 'MCC_BLOCKED']);
  });

  it('declines what the wallet cannot cover (INSUFFICIENT_FUNDS) and a card closed by its owner', async () => {
    const { customer, card } = await holder('dee', '25.00');
    expect((await purchase(t, admin, card.id, '25.01')).declineCode).toBe('INSUFFICIENT_FUNDS');
    const ok = await purchase(t, admin, card.id, '25.00');
    expect(ok.status).toBe('pending');
    expect(await available(customer)).toBe('0.00');
    await t.http().delete(`/api/card/virtual/${card.id}`).set(auth(customer)).expect(200);
    expect((await purchase(t, admin, card.id, '1.00')).declineCode).toBe('CARD_CLOSED');
    // Closed, but its pending authorization still clears.
    await network(t, admin, card.id, 'clear', { authorizationId: ok.id, amount: '25.00' }).expect(200);
    expect(await balance(customer)).toEqual({ available: '0.00', pending: '0.00', total: '0.00' });
  });

  it('a reversal voids the hold; a refund credits the wallet', async () => {
    const { customer, card } = await holder('eve', '100.00');
    const reversed = await purchase(t, admin, card.id, '20.00');
    expect(await available(customer)).toBe('80.00');
    const r = await network(t, admin, card.id, 'reverse', { authorizationId: reversed.id }).expect(200);
    expect(r.body.authorization.status).toBe('reversed');
    expect(await balance(customer)).toEqual({ available: '100.00', pending: '0.00', total: '100.00' });

    const bought = await purchase(t, admin, card.id, '30.00');
    await network(t, admin, card.id, 'clear', { authorizationId: bought.id, amount: '30.00' }).expect(200);
    expect(await balance(customer)).toEqual({ available: '70.00', pending: '0.00', total: '70.00' });
    const refunded = await network(t, admin, card.id, 'refund', {
      authorizationId: bought.id,
      amount: '10.00',
    });
    expect(refunded.status).toBe(200);
    expect(await balance(customer)).toEqual({ available: '80.00', pending: '0.00', total: '80.00' });
    // More than is left to refund: refused by the network, nothing moves.
    const tooMuch = await network(t, admin, card.id, 'refund', {
      authorizationId: bought.id,
      amount: '20.01',
    });
    expect([tooMuch.status, tooMuch.body.error.code]).toEqual([422, 'CARD_REFUND_TOO_LARGE']);

    const seen = await history(customer);
    expect(seen.find((l) => l.id === reversed.id || l.failureCode === 'REVERSED')).toMatchObject({
      type: 'card_payment',
      status: 'failed',
      failureCode: 'REVERSED',
    });
    expect(seen.find((l) => l.type === 'card_refund')).toMatchObject({
      status: 'completed',
      amount: '10.00',
    });
  });

  it('card spend earns rewards points per clearing, and a refund claws back its share', async () => {
    const { customer, card } = await holder('rex', '100.00');
    const points = async () => {
      await t.app.get(OutboxRelay).drain();
      const b = (await t.http().get('/api/rewards/balance').set(auth(customer)).expect(200)).body;
      return { pending: b.pending as string, lifetime: b.lifetime as string };
    };
    // A restaurant (MCC 5812): 3 points per dollar by the default rules.
    // The first deposit's bonus is pending already; the authorization alone earns nothing.
    const before = BigInt((await points()).pending);
    const meal = await purchase(t, admin, card.id, '50.00');
    expect(BigInt((await points()).pending)).toBe(before);
    await network(t, admin, card.id, 'clear', { authorizationId: meal.id, amount: '50.00' }).expect(200);
    expect(BigInt((await points()).pending)).toBe(before + 150n);
    // 10 of the 50 refunded: a fifth of the earn goes back.
    await network(t, admin, card.id, 'refund', { authorizationId: meal.id, amount: '10.00' }).expect(200);
    expect(BigInt((await points()).pending)).toBe(before + 120n);
  });

  it('over-capture for a tip, several clearings and an incremental authorization post exactly', async () => {
    const { customer, card } = await holder('fay', '300.00');
    // A tip: 50 authorized, 55 cleared (within the 20 % allowance); 60.01 would be refused.
    const meal = await purchase(t, admin, card.id, '50.00');
    const over = await network(t, admin, card.id, 'clear', { authorizationId: meal.id, amount: '60.01' });
    expect([over.status, over.body.error.code]).toEqual([422, 'CARD_OVER_CAPTURE']);
    await network(t, admin, card.id, 'clear', { authorizationId: meal.id, amount: '55.00' }).expect(200);
    expect(await balance(customer)).toEqual({ available: '245.00', pending: '0.00', total: '245.00' });

    // Split shipment: 60 authorized, 20 then 40 cleared.
    const order = await purchase(t, admin, card.id, '60.00');
    await network(t, admin, card.id, 'clear', { authorizationId: order.id, amount: '20.00', final: false });
    expect(await balance(customer)).toEqual({ available: '185.00', pending: '40.00', total: '225.00' });
    await network(t, admin, card.id, 'clear', { authorizationId: order.id, amount: '40.00' }).expect(200);
    expect(await balance(customer)).toEqual({ available: '185.00', pending: '0.00', total: '185.00' });

    // A hotel: 30 authorized, 10 more asked for in real time, 40 cleared.
    const hotel = await purchase(t, admin, card.id, '30.00');
    const raised = await network(t, admin, card.id, 'increment', {
      authorizationId: hotel.id,
      amount: '10.00',
    });
    expect(raised.body.authorization.amount).toBe('40.00');
    expect(await balance(customer)).toEqual({ available: '145.00', pending: '40.00', total: '185.00' });
    await network(t, admin, card.id, 'clear', { authorizationId: hotel.id, amount: '40.00' }).expect(200);
    expect(await balance(customer)).toEqual({ available: '145.00', pending: '0.00', total: '145.00' });
  });

  it('an uncaptured authorization expires after N days on the clock and its hold is released', async () => {
    const { customer, card } = await holder('gus', '50.00');
    await purchase(t, admin, card.id, '15.00');
    expect(await available(customer)).toBe('35.00');
    await advanceClock(t, admin, 6 * 24 * 60);
    expect(await available(customer)).toBe('35.00');
    await advanceClock(t, admin, 24 * 60 + 1);
    expect(await balance(customer)).toEqual({ available: '50.00', pending: '0.00', total: '50.00' });
    expect((await lines(customer, card.id)).map((l) => l.type)).toEqual(['expiry', 'authorization']);
    const seen = await history(customer);
    expect(seen.find((l) => l.type === 'card_payment')).toMatchObject({
      status: 'failed',
      failureCode: 'EXPIRED',
    });
  });

  it('webhooks: duplicates and redeliveries apply once, a bad signature is 401', async () => {
    const { customer, card } = await holder('hal', '100.00');
    const bought = await purchase(t, admin, card.id, '10.00');
    await network(t, admin, card.id, 'clear', { authorizationId: bought.id, amount: '10.00' }).expect(200);
    const secrets = t.app.get(AppConfig).cards.webhookSecrets;
    const body = JSON.stringify({ type: 'card_transaction.updated', data: { authorization_id: bought.id } });
    const deliver = (id: string, signature?: string) => {
      const headers = signStandardWebhook(secrets, id, Math.floor(Date.now() / 1000), body);
      return t
        .http()
        .post('/api/webhooks/cards/sandbox')
        .set('Content-Type', 'application/json')
        .set('webhook-id', headers['webhook-id'])
        .set('webhook-timestamp', headers['webhook-timestamp'])
        .set('webhook-signature', signature ?? headers['webhook-signature'])
        .send(body);
    };
    // A redelivery under a new id asks the issuer again: the clearing is already applied.
    const again = await deliver(`msg_${randomUUID().replace(/-/g, '')}`).expect(200);
    expect(again.body).toMatchObject({ received: true });
    const twice = await deliver('msg_fixed1').expect(200);
    expect(twice.body.duplicate).toBeUndefined();
    expect((await deliver('msg_fixed1').expect(200)).body.duplicate).toBe(true);
    const forged = await deliver('msg_forged', 'v1,AAAA').expect(401);
    expect(forged.body.error.code).toBe('CARD_WEBHOOK_SIGNATURE_INVALID');
    await t
      .http()
      .post('/api/webhooks/cards/acme')
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(404);
    expect(await balance(customer)).toEqual({ available: '90.00', pending: '0.00', total: '90.00' });
    // The sandbox sent each webhook twice; the duplicates were recognised by their webhook-id.
    const [row] = (await t.app.get(DataSource).query(
      `SELECT count(*)::int AS n FROM card_transactions WHERE authorization_id IN
                (SELECT id FROM card_authorizations WHERE issuer_authorization_id = $1)`,
      [bought.id],
    )) as Array<{
      n: number;
    }>;
    expect(row.n).toBe(2);
  });

  it('report stolen → closed and replaced with the same limits in one step; the old card declines', async () => {
    const { customer, card } = await holder('ivy', '100.00', {
      perAuthorization: '60.00',
      blockedCategories: ['7995'],
    });
    const reported = await t
      .http()
      .post(`/api/card/${card.id}/report`)
      .set(auth(customer))
      .send({ reason: 'stolen' })
      .expect(200);
    expect(reported.body.replaced).toMatchObject({ id: card.id, state: 'CLOSED', stateReason: 'stolen' });
    const replacement = reported.body.card;
    expect(replacement).toMatchObject({
      state: 'OPEN',
      replacementFor: card.id,
      limits: { perAuthorization: '60.00', blockedCategories: ['7995'] },
    });
    expect(replacement.id).not.toBe(card.id);
    // A retry answers the same replacement.
    const retried = await t
      .http()
      .post(`/api/card/${card.id}/report`)
      .set(auth(customer))
      .send({ reason: 'stolen' })
      .expect(200);
    expect(retried.body.card.id).toBe(replacement.id);
    expect((await purchase(t, admin, card.id, '5.00')).declineCode).toBe('CARD_CLOSED');
    expect((await purchase(t, admin, replacement.id, '60.01')).declineCode).toBe('CARD_LIMIT');
    expect((await purchase(t, admin, replacement.id, '5.00')).status).toBe('pending');
    await t.http().put(`/api/card/${card.id}/freeze`).set(auth(customer)).send({ frozen: true }).expect(409);
    expect(await available(customer)).toBe('95.00');
  });

  it('another user’s card is 404 everywhere, like an unknown id', async () => {
    const { card } = await holder('jon', '0.00');
    const other = await onboard(t, 'kim');
    for (const [method, path] of [
      ['get', `/api/card/virtual/${card.id}`],
      ['delete', `/api/card/virtual/${card.id}`],
      ['get', `/api/card/${card.id}/transactions`],
      ['get', `/api/card/virtual/not-a-uuid`],
    ] as const) {
      const response = await t.http()[method](path).set(auth(other));
      expect([path, response.status, response.body.error.code]).toEqual([path, 404, 'CARD_NOT_FOUND']);
    }
  });

  itRacesOnPostgres(
    'concurrent authorizations never overdraw: 20 × 10.00 against 100.00 → 10 approved',
    async () => {
      const { customer, card } = await holder('kai', '100.00');
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => purchase(t, admin, card.id, '10.00', { ...MERCHANT, name: 'Race' })),
      );
      const approved = answers.filter((a) => a.status === 'pending');
      expect(approved).toHaveLength(10);
      expect(answers.filter((a) => a.declineCode === 'INSUFFICIENT_FUNDS')).toHaveLength(10);
      expect(await balance(customer)).toEqual({ available: '0.00', pending: '100.00', total: '100.00' });
    },
  );
});
