import { randomUUID } from 'node:crypto';
import { registerAdmin, type Admin } from './support/admin';
import { auth, deposit, onboard, type Customer } from './support/money';
import {
  advanceClock,
  enableTwoFactor,
  expectEnvelope,
  latestCode,
  serverNow,
  totpAt,
  verifyEmail,
  wrongTotp,
} from './support/security';
import { startTestApp, type TestApp } from './support/test-app';

const IBAN = 'GB33BUKB20201555555555';
const OTHER_IBAN = 'DE89370400440532013000';
const ADDRESS = `0x${'ab'.repeat(20)}`;

/**
 * Step-up for risky money moves (STEP_UP_AMOUNT_USD = 1000.00, STEP_UP_NEW_RECIPIENT_MIN_USD = 0 by default):
 * users without 2FA are asked only above the amount, with a code sent to their verified email; users with 2FA
 * also for a new recipient, a new payout destination and raising limits. A refusal (403 STEP_UP_REQUIRED) is not
 * stored with the Idempotency-Key: the same key succeeds once the client steps up.
 */
describe('step-up for risky money moves', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    t = await startTestApp({
      LIMIT_TIERS: JSON.stringify({
        '1': {
          perTransaction: '5000.00',
          daily: '20000.00',
          monthly: '100000.00',
          maxPerHour: 1000,
          // Deposits gross up their fee: 5,000.00 credited needs a little more than 5,000.00 deposited.
          deposit: { perTransaction: '10000.00' },
        },
      }),
    });
    admin = await registerAdmin(t);
  });
  afterAll(() => t.close());

  const send = (from: Customer, to: string, amount: string, key = randomUUID(), stepUpToken?: string) => {
    const call = t.http().post('/api/p2p-transfer/send').set(auth(from)).set('Idempotency-Key', key);
    if (stepUpToken) call.set('X-Step-Up-Token', stepUpToken);
    return call.send({ to, amount });
  };
  const available = async (customer: Customer) => {
    const response = await t.http().get('/api/wallet/balance').set(auth(customer)).expect(200);
    return (response.body.balances as Array<{ currency: string; available: string }>).find(
      (b) => b.currency === 'USDC',
    )?.available;
  };
  const stepUpWithTotp = async (customer: Customer, secret: string, at: Date) => {
    const response = await t
      .http()
      .post('/api/auth/step-up')
      .set(auth(customer))
      .send({ code: await totpAt(secret, at) })
      .expect(200);
    expect(response.body).toMatchObject({ success: true, expiresIn: 300, method: 'totp' });
    return response.body.stepUpToken as string;
  };
  const expectStepUp = (
    response: { status: number; body: Record<string, unknown> },
    reasons: string[],
    methods: string[],
  ) => {
    expect(response.status).toBe(403);
    expectEnvelope(response.body, 'STEP_UP_REQUIRED');
    expect((response.body.error as { details: unknown }).details).toMatchObject({ reasons, methods });
  };

  it('never asks users without 2FA for everyday payments: new recipients, up to the threshold, batches, payouts', async () => {
    const alice = await onboard(t, 'everyday');
    const recipients = [await onboard(t, 'r1'), await onboard(t, 'r2'), await onboard(t, 'r3')];
    await deposit(t, alice, '2000.00');
    for (const [index, recipient] of recipients.entries()) {
      await send(alice, recipient.email, `${25 + index}.00`).expect(201);
    }
    await send(alice, recipients[0].address, '1000.00').expect(201); // exactly the threshold
    await t
      .http()
      .post('/api/consumer/batch-transfer')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({
        recipients: [
          { to: (await onboard(t, 'r4')).email, amount: '10.00' },
          { to: (await onboard(t, 'r5')).email, amount: '10.00' },
        ],
      })
      .expect(201);
    const withdrawal = await t
      .http()
      .post('/api/consumer/withdraw')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '50.00', currency: 'USDC', destination: IBAN });
    expect([201, 202]).toContain(withdrawal.status);
    const external = await send(alice, ADDRESS, '10.00');
    expect([201, 202]).toContain(external.status);
    await t.http().put('/api/wallet/limits').set(auth(alice)).send({ daily: '500.00' }).expect(200);
    await t.http().put('/api/wallet/limits').set(auth(alice)).send({ daily: '20000.00' }).expect(200);
  });

  it('asks a user without 2FA to confirm an amount above the threshold by an emailed code, then takes the same key', async () => {
    const alice = await onboard(t, 'large');
    const bob = await onboard(t, 'large-payee');
    await deposit(t, alice, '3000.00');
    const key = randomUUID();

    // No verified email yet: no method to offer, the client verifies the email first.
    expectStepUp(await send(alice, bob.email, '1000.01', key), ['amount_above_threshold'], []);
    await verifyEmail(t, alice);
    expectStepUp(await send(alice, bob.email, '1000.01', key), ['amount_above_threshold'], ['email_code']);
    expect(await available(alice)).toBe('3000.00');

    const requested = await t.http().post('/api/auth/step-up/request').set(auth(alice)).send({}).expect(202);
    expect(requested.body).toMatchObject({
      channel: 'email',
      sentTo: expect.stringMatching(/^l\*\*\*@e\*\*\*\.com$/),
    });
    const code = await latestCode(t, alice.email, 'step_up');
    const wrong = await t
      .http()
      .post('/api/auth/step-up')
      .set(auth(alice))
      .send({ code: code === '000000' ? '000001' : '000000' })
      .expect(400);
    expectEnvelope(wrong.body, 'INVALID_VERIFICATION_CODE');
    const stepped = await t.http().post('/api/auth/step-up').set(auth(alice)).send({ code }).expect(200);
    expect(stepped.body.method).toBe('email_code');

    const paid = await send(alice, bob.email, '1000.01', key, stepped.body.stepUpToken).expect(201);
    expect(paid.headers['idempotent-replayed']).toBeUndefined();
    // The same key and body again, even without the token: the stored answer, and the money moved once.
    const replay = await send(alice, bob.email, '1000.01', key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.transfer.id).toBe(paid.body.transfer.id);
    expect(await available(alice)).toBe('1999.99');
    expect(await available(bob)).toBe('1000.01');

    const events = await t.http().get('/api/auth/security-events').set(auth(alice)).expect(200);
    expect(events.body.events[0]).toMatchObject({ kind: 'step_up', details: { method: 'email_code' } });
  });

  it('asks a user with 2FA for a new recipient, a new payout destination, large amounts and raising limits', async () => {
    const erin = await onboard(t, 'erin');
    const bob = await onboard(t, 'bob');
    const carol = await onboard(t, 'carol');
    await deposit(t, erin, '5000.00');
    const { secret } = await enableTwoFactor(t, erin, await serverNow(t, admin));
    await advanceClock(t, admin, 1);

    // A first payment to a new recipient, however small.
    const key = randomUUID();
    expectStepUp(await send(erin, bob.email, '5.00', key), ['new_recipient'], ['totp', 'recovery_code']);
    const stepUpToken = await stepUpWithTotp(erin, secret, await serverNow(t, admin));
    await send(erin, bob.email, '5.00', key, stepUpToken).expect(201);
    // Known now: no step-up for the next one.
    await send(erin, bob.email, '7.00').expect(201);
    // Above the threshold, even to a known recipient: the token of this session covers it for 5 minutes.
    expectStepUp(
      await send(erin, bob.email, '1500.00'),
      ['amount_above_threshold'],
      ['totp', 'recovery_code'],
    );
    await send(erin, bob.email, '1500.00', randomUUID(), stepUpToken).expect(201);

    // A payout to a new destination.
    const withdrawKey = randomUUID();
    const withdraw = (token?: string) => {
      const call = t
        .http()
        .post('/api/consumer/withdraw')
        .set(auth(erin))
        .set('Idempotency-Key', withdrawKey);
      if (token) call.set('X-Step-Up-Token', token);
      return call.send({ amount: '20.00', currency: 'USDC', destination: OTHER_IBAN });
    };
    expectStepUp(await withdraw(), ['new_destination'], ['totp', 'recovery_code']);
    expect([201, 202]).toContain((await withdraw(stepUpToken)).status);
    expectStepUp(await send(erin, ADDRESS, '3.00'), ['new_destination'], ['totp', 'recovery_code']);

    // A batch with a new recipient.
    const batch = (token?: string) => {
      const call = t
        .http()
        .post('/api/consumer/batch-transfer')
        .set(auth(erin))
        .set('Idempotency-Key', 'batch-1');
      if (token) call.set('X-Step-Up-Token', token);
      return call.send({
        recipients: [
          { to: bob.email, amount: '1.00' },
          { to: carol.email, amount: '2.00' },
        ],
      });
    };
    expectStepUp(await batch(), ['new_recipient'], ['totp', 'recovery_code']);
    await batch(stepUpToken).expect(201);

    // Raising a limit (lowering never asks).
    await t.http().put('/api/wallet/limits').set(auth(erin)).send({ daily: '500.00' }).expect(200);
    expectStepUp(
      await t.http().put('/api/wallet/limits').set(auth(erin)).send({ daily: '900.00' }),
      ['raise_limits'],
      ['totp', 'recovery_code'],
    );
    const raised = await t
      .http()
      .put('/api/wallet/limits')
      .set(auth(erin))
      .set('X-Step-Up-Token', stepUpToken)
      .send({ daily: '900.00' })
      .expect(200);
    expect(raised.body.daily.limit).toBe('900.00');

    // Five minutes on, the token has expired.
    await advanceClock(t, admin, 6);
    const dave = await onboard(t, 'dave');
    const expired = await send(erin, dave.email, '1.00', randomUUID(), stepUpToken);
    expectStepUp(expired, ['new_recipient'], ['totp', 'recovery_code']);
    expect(expired.body.error.details.stepUpToken).toBe('expired');
  });

  it('binds a step-up token to the session that made it', async () => {
    const erin = await onboard(t, 'erin-two-devices');
    const bob = await onboard(t, 'bob2');
    await deposit(t, erin, '100.00');
    const { secret, recoveryCodes } = await enableTwoFactor(t, erin, await serverNow(t, admin));
    await advanceClock(t, admin, 1);
    const token = await stepUpWithTotp(erin, secret, await serverNow(t, admin));
    // The same user on another device (a second session, signed in with a recovery code).
    const login = await t
      .http()
      .post('/api/auth/login')
      .send({ email: erin.email, password: 'correct-horse-battery' })
      .expect(200);
    const other = await t
      .http()
      .post('/api/auth/2fa/challenge')
      .send({ mfaToken: login.body.mfaToken, recoveryCode: recoveryCodes[0] })
      .expect(200);
    const elsewhere: Customer = { ...erin, token: other.body.accessToken };
    const refused = await send(elsewhere, bob.email, '1.00', randomUUID(), token);
    expectStepUp(refused, ['new_recipient'], ['totp', 'recovery_code']);
    expect(refused.body.error.details.stepUpToken).toBe('invalid');
    await send(erin, bob.email, '1.00', randomUUID(), token).expect(201);
  });

  it('answers bad step-up input with a 4xx in the envelope', async () => {
    const plain = await onboard(t, 'plain');
    const cases: Array<[string, object, number, string]> = [
      ['no code', {}, 400, 'VALIDATION_FAILED'],
      ['a 5-digit code', { code: '12345' }, 400, 'VALIDATION_FAILED'],
      ['a recovery code without 2FA', { recoveryCode: 'abcde-fghjk' }, 400, 'VALIDATION_FAILED'],
      ['a code never sent', { code: '123456' }, 409, 'VERIFICATION_NOT_REQUESTED'],
    ];
    for (const [name, body, status, code] of cases) {
      const response = await t.http().post('/api/auth/step-up').set(auth(plain)).send(body);
      expect([name, response.status, response.body.error?.code]).toEqual([name, status, code]);
      expectEnvelope(response.body, code);
    }
    const noChannel = await t.http().post('/api/auth/step-up/request').set(auth(plain)).send({}).expect(409);
    expectEnvelope(noChannel.body, 'STEP_UP_METHOD_UNAVAILABLE');
    const badChannel = await t
      .http()
      .post('/api/auth/step-up/request')
      .set(auth(plain))
      .send({ channel: 'fax' })
      .expect(400);
    expectEnvelope(badChannel.body, 'VALIDATION_FAILED');

    const withTwoFactor = await onboard(t, 'mfa-bad-input');
    const { secret } = await enableTwoFactor(t, withTwoFactor, await serverNow(t, admin));
    const app = await t
      .http()
      .post('/api/auth/step-up/request')
      .set(auth(withTwoFactor))
      .send({})
      .expect(409);
    expectEnvelope(app.body, 'STEP_UP_METHOD_UNAVAILABLE');
    const wrong = await t
      .http()
      .post('/api/auth/step-up')
      .set(auth(withTwoFactor))
      .send({ code: await wrongTotp(secret, await serverNow(t, admin)) })
      .expect(401);
    expectEnvelope(wrong.body, 'INVALID_TWO_FACTOR_CODE');
    const forged = await send(withTwoFactor, plain.email, '1.00', randomUUID(), 'forged.token');
    expectStepUp(forged, ['new_recipient'], ['totp', 'recovery_code']);
    expect(forged.body.error.details.stepUpToken).toBe('invalid');
  });
});
