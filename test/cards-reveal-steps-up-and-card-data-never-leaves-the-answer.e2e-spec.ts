import fs from 'node:fs';
import { DataSource } from 'typeorm';
import { luhnValid, signStandardWebhook } from '#monay/cards';
import { AppConfig, OutboxRelay } from '#monay/shared';
import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { adminHeader, registerAdmin, type Admin } from './support/admin';
import { cardholder, listen, network, purchase, MERCHANT } from './support/cards';
import { auth, balanceOf, expectBooksBalanced, type Customer } from './support/money';
import { inboxNotification } from './support/notifications';
import { latestCode, verifyEmail } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * A card's PAN and CVV are shown only after a fresh second factor, logged in the audit log, rate-limited, and
 * never written anywhere else: not in the logs (the app logs at trace level here), the outbox or the cards table.
 * The real-time answer is idempotent by the issuer's request id; an over-capture the wallet cannot cover is booked
 * as a receivable; a card's daily limit holds under concurrent authorizations.
 */
describe('Cards: reveal steps up, card data never leaves the answer, authorizations are idempotent', () => {
  let t: TestApp;
  let admin: Admin;
  const customers: Customer[] = [];
  const written: string[] = [];
  const restore: Array<() => void> = [];

  beforeAll(async () => {
    // Every log line the process writes (pino writes JSON lines to fd 1 through fs): kept here, not printed.
    const text = (data: unknown) =>
      typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString() : String(data);
    const isLog = (data: unknown) => text(data).startsWith('{"level"');
    const originalWriteSync = fs.writeSync.bind(fs) as (...args: unknown[]) => number;
    const originalWrite = fs.write.bind(fs) as (...args: unknown[]) => void;
    const writeSync = jest.spyOn(fs, 'writeSync').mockImplementation(((...args: unknown[]) => {
      if (!isLog(args[1])) return originalWriteSync(...args);
      written.push(text(args[1]));
      return Buffer.byteLength(text(args[1]));
    }) as never);
    const write = jest.spyOn(fs, 'write').mockImplementation(((...args: unknown[]) => {
      if (!isLog(args[1])) return originalWrite(...args);
      written.push(text(args[1]));
      const callback = args.find((arg) => typeof arg === 'function') as
        ((e: null, n: number) => void) | undefined;
      callback?.(null, Buffer.byteLength(text(args[1])));
    }) as never);
    const originalStdout = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(((...args: unknown[]) => {
      const [data] = args;
      if (!isLog(data)) return originalStdout(...args);
      written.push(text(data));
      return true;
    }) as never);
    restore.push(
      () => writeSync.mockRestore(),
      () => write.mockRestore(),
      () => stdout.mockRestore(),
    );
    t = await startTestApp({
      LOG_LEVEL: 'trace',
      CARD_REVEAL_LIMIT_PER_HOUR: '3',
      CARD_SANDBOX_DUPLICATE_RATE: '0',
      // The real-time deadline is the bench's business: here a loaded machine must not turn answers into timeouts.
      CARD_AUTHORIZATION_TIMEOUT_MS: '10000',
    });
    await listen(t);
    admin = await registerAdmin(t, 'cards-admin');
  }, 60_000);
  afterAll(async () => {
    await expectBooksBalanced(t, customers);
    await t.close();
    for (const undo of restore) undo();
  });

  const holder = async (prefix: string, funds: string, limits: Record<string, unknown> = {}) => {
    const made = await cardholder(t, prefix, funds, limits);
    customers.push(made.customer);
    return made;
  };
  const reveal = (customer: Customer, cardId: string, stepUpToken?: string) => {
    const call = t.http().post(`/api/card/virtual/${cardId}/reveal`).set(auth(customer));
    if (stepUpToken) call.set('X-Step-Up-Token', stepUpToken);
    return call;
  };

  it('reveal needs a fresh second factor, is audited and limited, and the PAN appears nowhere else', async () => {
    const { customer, card } = await holder('ada', '0.00');
    const refused = await reveal(customer, card.id).expect(403);
    expect(refused.body.error).toMatchObject({
      code: 'STEP_UP_REQUIRED',
      details: { reasons: ['reveal_card_details'] },
    });

    await verifyEmail(t, customer);
    await t.http().post('/api/auth/step-up/request').set(auth(customer)).send({}).expect(202);
    const code = await latestCode(t, customer.email, 'step_up');
    const stepped = await t.http().post('/api/auth/step-up').set(auth(customer)).send({ code }).expect(200);
    const token = stepped.body.stepUpToken as string;

    const shown = await reveal(customer, card.id, token).expect(200);
    const { pan, cvv } = shown.body.card as { pan: string; cvv: string };
    expect(pan).toMatch(/^400000[0-9]{10}$/);
    expect(pan.endsWith(card.last4)).toBe(true);
    expect(luhnValid(pan)).toBe(true);
    expect(cvv).toMatch(/^[0-9]{3}$/);

    // The rate limit: 3 an hour here.
    await reveal(customer, card.id, token).expect(200);
    await reveal(customer, card.id, token).expect(200);
    const limited = await reveal(customer, card.id, token).expect(429);
    expect(limited.body.error.code).toBe('CARD_REVEAL_RATE_LIMITED');

    const audit = await t
      .http()
      .get(`/api/admin/audit?action=card_details_revealed&actor=${customer.userId}`)
      .set(adminHeader(admin))
      .expect(200);
    expect(audit.body.entries).toHaveLength(3);
    expect(audit.body.entries[0]).toMatchObject({
      action: 'card_details_revealed',
      target: `card:${card.id}`,
    });

    await t.app.get(OutboxRelay).drain();
    const db = t.app.get(DataSource);
    const outbox = (await db.query(`SELECT payload::text AS p FROM outbox`)) as Array<{ p: string }>;
    expect(outbox.filter((row) => row.p.includes(pan))).toEqual([]);
    const [sealed] = (await db.query(
      `SELECT encode(pan_sealed, 'escape') AS pan, encode(cvv_sealed, 'hex') AS cvv
      FROM cards WHERE id = $1`,
      [card.id],
    )) as Array<{ pan: string; cvv: string }>;
    expect(sealed.pan).not.toContain(pan);
    // The reveal requests were logged (so the capture works), without the card data.
    expect(written.some((line) => line.includes(`/api/card/virtual/${card.id}/reveal`))).toBe(true);
    expect(written.filter((line) => line.includes(pan))).toEqual([]);
    expect(JSON.stringify(audit.body)).not.toContain(pan);
  });

  /** The issuer's real-time question about `issuerCardId`, signed as the issuer signs it. */
  const askFor = (issuerCardId: string, requestId: string, cents: number) => {
    const body = JSON.stringify({
      type: 'authorization.request',
      id: `areq_${requestId}`,
      authorization_id: `auth_${requestId}`,
      card_id: issuerCardId,
      amount: cents,
      currency: 'USD',
      merchant: MERCHANT,
      incremental: false,
    });
    const headers = signStandardWebhook(
      t.app.get(AppConfig).cards.webhookSecrets,
      `areq_${requestId}`,
      Math.floor(Date.now() / 1000),
      body,
    );
    return t
      .http()
      .post('/api/webhooks/cards/sandbox/authorize')
      .set('Content-Type', 'application/json')
      .set(headers as unknown as Record<string, string>)
      .send(body);
  };
  const issuerCardOf = async (cardId: string) =>
    (
      (await t.app
        .get(DataSource)
        .query(`SELECT issuer_card_id FROM cards WHERE id = $1`, [cardId])) as Array<{
        issuer_card_id: string;
      }>
    )[0].issuer_card_id;

  itRacesOnPostgres('10 identical real-time requests at once: one answer, one hold', async () => {
    const { customer, card } = await holder('raz', '100.00');
    const issuerCard = await issuerCardOf(card.id);
    const answers = await Promise.all(Array.from({ length: 10 }, () => askFor(issuerCard, 'racing1', 1_500)));
    expect(answers.map((a) => [a.status, a.body.approved])).toEqual(
      Array.from({ length: 10 }, () => [200, true]),
    );
    expect((await balanceOf(t, customer))?.available).toBe('85.00');
    const [row] = (await t.app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM card_authorizations WHERE issuer_authorization_id = 'auth_racing1'`,
      )) as Array<{
      n: number;
    }>;
    expect(row.n).toBe(1);
  });

  it('the real-time answer is idempotent by the issuer request id: one hold for two identical requests', async () => {
    const { customer, card } = await holder('bo', '100.00');
    const [row] = (await t.app
      .get(DataSource)
      .query(`SELECT issuer_card_id FROM cards WHERE id = $1`, [card.id])) as Array<{
      issuer_card_id: string;
    }>;
    const body = JSON.stringify({
      type: 'authorization.request',
      id: 'areq_idempotent1',
      authorization_id: 'auth_idempotent1',
      card_id: row.issuer_card_id,
      amount: 2_500,
      currency: 'USD',
      merchant: MERCHANT,
      incremental: false,
    });
    const ask = () => {
      const headers = signStandardWebhook(
        t.app.get(AppConfig).cards.webhookSecrets,
        'areq_idempotent1',
        Math.floor(Date.now() / 1000),
        body,
      );
      return t
        .http()
        .post('/api/webhooks/cards/sandbox/authorize')
        .set('Content-Type', 'application/json')
        .set(headers as unknown as Record<string, string>)
        .send(body);
    };
    const first = await ask().expect(200);
    const second = await ask().expect(200);
    expect(first.body).toMatchObject({ approved: true, declineCode: null });
    expect(second.body).toEqual(first.body);
    expect((await balanceOf(t, customer))?.available).toBe('75.00');
    const unsigned = await t
      .http()
      .post('/api/webhooks/cards/sandbox/authorize')
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(401);
    expect(unsigned.body.error.code).toBe('CARD_WEBHOOK_SIGNATURE_INVALID');
  });

  it('an over-capture the wallet cannot cover is debited to zero and the rest booked as a receivable', async () => {
    const { customer, card } = await holder('cy', '50.00');
    const meal = await purchase(t, admin, card.id, '50.00');
    await network(t, admin, card.id, 'clear', { authorizationId: meal.id, amount: '58.00' }).expect(200);
    expect(await balanceOf(t, customer)).toMatchObject({ available: '0.00', pending: '0.00', total: '0.00' });
    const [row] = (await t.app
      .get(DataSource)
      .query(`SELECT receivable::text AS r FROM card_authorizations WHERE issuer_authorization_id = $1`, [
        meal.id,
      ])) as Array<{
      r: string;
    }>;
    expect(row.r).toBe('8000000');
  });

  it('a decline reaches the history, the socket replay and the inbox', async () => {
    const { customer, card } = await holder('di', '5.00');
    expect((await purchase(t, admin, card.id, '9.99')).declineCode).toBe('INSUFFICIENT_FUNDS');
    await t.app.get(OutboxRelay).drain();
    const notification = await inboxNotification(t, auth(customer), 'card.declined');
    expect(notification.title).toBe(`Card •••• ${card.last4} declined`);
    expect(notification.body).toContain('not enough funds');
    const missed = await t.http().get('/api/realtime/missed').set(auth(customer)).expect(200);
    const cardEvents = (missed.body.events as Array<{ event: string; data: Record<string, unknown> }>).filter(
      (m) => m.event === 'card.authorization',
    );
    expect(cardEvents.map((m) => m.data)).toEqual([
      expect.objectContaining({ status: 'declined', declineCode: 'INSUFFICIENT_FUNDS', last4: card.last4 }),
    ]);
  });

  itRacesOnPostgres(
    'a daily card limit holds under 20 concurrent authorizations: 50.00 → 5 × 10.00',
    async () => {
      const { customer, card } = await holder('ed', '500.00', { daily: '50.00' });
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => purchase(t, admin, card.id, '10.00')),
      );
      expect(answers.filter((a) => a.status === 'pending')).toHaveLength(5);
      expect(answers.filter((a) => a.declineCode === 'CARD_LIMIT')).toHaveLength(15);
      expect(await balanceOf(t, customer)).toMatchObject({ available: '450.00', pending: '50.00' });
    },
  );
});
