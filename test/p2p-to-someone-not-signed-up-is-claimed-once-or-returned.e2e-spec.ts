import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { registerAdmin, type Admin } from './support/admin';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { advanceClock, latestMessage, verifyEmail } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Paying someone who has not signed up yet (`inviteIfUnknown`): the money is held on the sender's wallet and an
 * invitation goes out; the new user who verifies that email receives exactly the amount, once; an unclaimed one
 * returns after the claim window, and the sender can take one back while it waits.
 */
describe('P2P to someone not signed up yet', () => {
  let t: TestApp;
  let admin: Admin;
  let alice: Customer;

  beforeAll(async () => {
    t = await startTestApp({ P2P_INVITE_CLAIM_DAYS: '7', RECIPIENT_LOOKUP_LIMIT_PER_HOUR: '1000' });
    admin = await registerAdmin(t);
    alice = await onboard(t, 'alice');
    await deposit(t, alice, '100.00');
  });
  afterAll(() => t?.close());

  const send = (to: string, amount: string, inviteIfUnknown = true) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to, amount, currency: 'USDC', note: 'welcome', inviteIfUnknown });
  const signUp = async (email: string): Promise<Customer & { token: string }> => {
    const response = await t
      .http()
      .post('/api/consumer/onboard')
      .send({ email, password: 'correct-horse-battery' })
      .expect(201);
    return {
      userId: response.body.user.id,
      email,
      address: response.body.wallet.address,
      token: response.body.accessToken,
    };
  };
  const dailyUsed = async () =>
    (await t.http().get('/api/wallet/limits').set(auth(alice)).expect(200)).body.daily.used as string;

  it('holds the money, invites, and pays the new user who verifies the email exactly once', async () => {
    const email = `dana.${randomUUID()}@example.com`;
    const refused = await send(email, '25.00', false).expect(404);
    expect(refused.body.error.code).toBe('RECIPIENT_NOT_FOUND');

    const sent = await send(email, '25.00').expect(202);
    const id = sent.body.transfer.id as string;
    expect(sent.body.transfer).toMatchObject({ status: 'pending_claim', amount: '25.00', currency: 'USDC' });
    expect(sent.body.transfer.to.displayName).toMatch(/^d\*\*\*@e\*\*\*\.com$/);
    expect(await balanceOf(t, alice)).toMatchObject({
      available: '75.00',
      pending: '25.00',
      total: '100.00',
    });
    const invitation = await latestMessage(t, email, 'p2p_invite');
    expect(invitation.text).toContain('25.00 USDC');

    // The sender's history shows it pending.
    const pending = await t.http().get(`/api/p2p-transfer/status/${id}`).set(auth(alice)).expect(200);
    expect(pending.body.transfer.status).toBe('pending_claim');

    // Signing up is not enough: the address must be verified.
    const dana = await signUp(email);
    expect((await balanceOf(t, dana))?.total ?? '0.00').toBe('0.00');
    await verifyEmail(t, dana);
    await waitFor('the invite to be claimed', async () =>
      (await balanceOf(t, dana))?.total === '25.00' ? true : undefined,
    );
    expect(await balanceOf(t, alice)).toMatchObject({ available: '75.00', pending: '0.00', total: '75.00' });

    // A second claim (every sweep runs again when the clock moves) does nothing.
    await advanceClock(t, admin, 1);
    await advanceClock(t, admin, 1);
    expect((await balanceOf(t, dana))?.total).toBe('25.00');
    const claimed = await t.http().get(`/api/p2p-transfer/status/${id}`).set(auth(dana)).expect(200);
    expect(claimed.body.transfer).toMatchObject({
      id,
      status: 'completed',
      amount: '25.00',
      note: 'welcome',
    });
    const cancel = await t.http().post(`/api/p2p-transfer/${id}/cancel`).set(auth(alice)).expect(409);
    expect(cancel.body.error.code).toBe('INVITE_NOT_PENDING');
    // History is a read model the relay's consumers write: read it once they have the claim's events.
    await t.app.get(OutboxRelay).drain();
    const history = await t.http().get('/api/transactions').set(auth(dana)).expect(200);
    expect(JSON.stringify(history.body)).toContain(id);
    await expectBooksBalanced(t, [alice, dana]);
  });

  it('the sender takes it back while it waits: the hold is voided and the limits given back', async () => {
    const usedBefore = await dailyUsed();
    const sent = await send('+1 (415) 555-0199', '5.00').expect(202);
    const id = sent.body.transfer.id as string;
    expect(await dailyUsed()).not.toBe(usedBefore);
    expect((await balanceOf(t, alice))?.pending).toBe('5.00');
    // Nobody else may cancel it.
    const bob = await onboard(t, 'bob');
    await t.http().post(`/api/p2p-transfer/${id}/cancel`).set(auth(bob)).expect(404);
    const cancelled = await t.http().post(`/api/p2p-transfer/${id}/cancel`).set(auth(alice)).expect(200);
    expect(cancelled.body.transfer.status).toBe('cancelled');
    await t.http().post(`/api/p2p-transfer/${id}/cancel`).set(auth(alice)).expect(200);
    expect(await balanceOf(t, alice)).toMatchObject({ available: '75.00', pending: '0.00' });
    expect(await dailyUsed()).toBe(usedBefore);
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('an unclaimed invite returns after the claim window; verifying later gets nothing', async () => {
    const email = `erin.${randomUUID()}@example.com`;
    const sent = await send(email, '10.00').expect(202);
    const id = sent.body.transfer.id as string;
    // Refused for funds: nothing held, 422.
    const tooMuch = await send(`x.${randomUUID()}@example.com`, '500.00').expect(422);
    expect(tooMuch.body.error.code).toBe('INSUFFICIENT_FUNDS');

    await advanceClock(t, admin, 7 * 24 * 60 + 1);
    const status = await t.http().get(`/api/p2p-transfer/status/${id}`).set(auth(alice)).expect(200);
    expect(status.body.transfer.status).toBe('expired');
    expect(await balanceOf(t, alice)).toMatchObject({ available: '75.00', pending: '0.00', total: '75.00' });

    const erin = await signUp(email);
    await verifyEmail(t, erin);
    await advanceClock(t, admin, 1);
    expect((await balanceOf(t, erin))?.total ?? '0.00').toBe('0.00');
    await expectBooksBalanced(t, [alice, erin]);
  });

  it("limits count, and are reported, in the application clock's day: an invite and a transfer a day on", async () => {
    // Invites counted in the clock's periods and the report read real time's: near midnight (or with the sandbox
    // clock moved on) an invite did not show in the day's usage.
    await advanceClock(t, admin, 24 * 60);
    expect(await dailyUsed()).toBe('0.00');
    await send(`frank.${randomUUID()}@example.com`, '2.00').expect(202);
    const grace = await onboard(t, 'grace');
    await send(grace.email, '3.00').expect(201);
    expect(await dailyUsed()).toBe('5.00');
  });
});
