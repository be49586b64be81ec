import { randomInt, randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { auth, deposit, onboard, type Customer } from './support/money';
import { newUser, startTestApp, type TestApp } from './support/test-app';

const LIMIT = 6;

/** The structure of a JSON value: keys and value types, not the values. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, inner]) => [key, shapeOf(inner)]),
    );
  }
  return typeof value;
}

/**
 * Someone who knows only an email address or a phone number learns from a lookup no more than whether a Monay
 * user has it: the recipient is shown as a masked form of what was typed, never the user's id or email; an
 * unknown recipient answers with the same status and shape; and every user has an hourly budget of lookups
 * (RECIPIENT_LOOKUP_LIMIT_PER_HOUR), spent by p2p-transfer/validate and by sends to no one.
 */
describe('recipient lookups: masked, alike for unknown recipients, limited per user per hour', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  const bobPhone = `+1 555 ${randomInt(100, 999)} ${randomInt(1000, 9999)}`;

  beforeAll(async () => {
    t = await startTestApp({ RECIPIENT_LOOKUP_LIMIT_PER_HOUR: String(LIMIT) });
    alice = await onboard(t, 'alice');
    const bobUser = newUser('bob.private');
    const registered = await t
      .http()
      .post('/api/consumer/onboard')
      .send({ ...bobUser, phone: bobPhone })
      .expect(201);
    bob = {
      userId: registered.body.user.id,
      email: bobUser.email,
      address: registered.body.wallet.address,
      token: registered.body.accessToken,
    };
    await deposit(t, alice, '20.00');
  });
  afterAll(() => t.close());

  const validate = (who: Customer, to: string) =>
    t.http().post('/api/p2p-transfer/validate').set(auth(who)).send({ to, amount: '1.00' });
  const send = (who: Customer, to: string) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(who))
      .set('Idempotency-Key', randomUUID())
      .send({ to, amount: '1.00' });
  const revealsBob = (body: unknown) => {
    const text = JSON.stringify(body);
    return text.includes(bob.userId) || text.includes(bob.email.split('@')[0]);
  };

  it('validate answers a known and an unknown email alike: 200, same shape, masked typed value, no id', async () => {
    const known = await validate(alice, bob.email).expect(200);
    const unknown = await validate(alice, `nobody.${randomUUID()}@example.com`).expect(200);
    expect(shapeOf(unknown.body)).toEqual(shapeOf(known.body));
    expect(known.body).toMatchObject({
      valid: true,
      recipient: { displayName: `${bob.email[0]}***@e***.com` },
      checks: { recipientFound: true },
    });
    expect(unknown.body).toMatchObject({
      valid: false,
      recipient: { displayName: 'n***@e***.com' },
      checks: { recipientFound: false },
    });
    expect(revealsBob(known.body)).toBe(false);
  });

  it('a phone number is shown masked, and the answer says nothing of the email behind it', async () => {
    const known = await validate(alice, bobPhone).expect(200);
    expect(known.body.recipient).toEqual({ displayName: `+1 *** *** ${bobPhone.slice(-4)}` });
    expect(known.body.checks.recipientFound).toBe(true);
    expect(revealsBob(known.body)).toBe(false);
  });

  it('the send answer and the transfer status show the sender what they typed, not the recipient', async () => {
    const sent = await send(alice, bobPhone).expect(201);
    expect(sent.body.transfer.to).toEqual({ ref: bobPhone, displayName: `+1 *** *** ${bobPhone.slice(-4)}` });
    expect(revealsBob(sent.body)).toBe(false);
    const status = await t
      .http()
      .get(`/api/p2p-transfer/status/${sent.body.transfer.id}`)
      .set(auth(alice))
      .expect(200);
    expect(revealsBob(status.body)).toBe(false);
    // Nor the sender's history line of it.
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions?type=transfer_out').set(auth(alice)).expect(200);
    const line = (history.body.transactions as Array<{ id: string }>).find(
      (x) => x.id === sent.body.transfer.id,
    );
    expect(line).toMatchObject({ counterparty: { displayName: `+1 *** *** ${bobPhone.slice(-4)}` } });
    expect(revealsBob(history.body)).toBe(false);
  });

  it('past the hourly budget lookups answer 429 RATE_LIMITED with Retry-After; real payments still go', async () => {
    const carol = await onboard(t, 'carol');
    await deposit(t, carol, '5.00');
    for (let i = 0; i < LIMIT - 1; i += 1) await validate(carol, `probe.${i}@example.com`).expect(200);
    // A send to no one spends the same budget as a lookup: the last one left, then none.
    const missed = await send(carol, 'nobody.at.all@example.com').expect(404);
    expect(missed.body.error.code).toBe('RECIPIENT_NOT_FOUND');
    const limited = await validate(carol, bob.email).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(3000);
    const probing = await send(carol, 'another.probe@example.com').expect(429);
    expect(probing.body.error.code).toBe('RATE_LIMITED');
    const recurring = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(carol))
      .set('Idempotency-Key', randomUUID())
      .send({
        to: 'ghost@example.com',
        amount: '1.00',
        frequency: 'weekly',
        startAt: new Date().toISOString(),
      })
      .expect(429);
    expect(recurring.body.error.code).toBe('RATE_LIMITED');

    // Paying someone who exists is not a lookup that failed: it goes through.
    await send(carol, bob.email).expect(201);
    // The budget is the user's own: others are not affected.
    await validate(alice, bob.email).expect(200);
  });
});
