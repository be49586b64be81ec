import { OutboxRelay } from '#monay/shared';
import { adminHeader, registerAdmin, type Admin } from './support/admin';
import { kycCustomer, verifyIdentity } from './support/kyc';
import { auth, deposit, onboard, type Customer } from './support/money';
import { advanceClock } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';

/** Moves the clock once what was done so far has reached rewards (the relay applies events after the commit). */
async function advance(t: TestApp, admin: Admin, minutes: number): Promise<void> {
  await t.app.get(OutboxRelay).waitUntilPublished();
  await advanceClock(t, admin, minutes);
}

/**
 * Referrals: a member's code, claimed by a new member before their first deposit, pays both once the new member's
 * identity is verified and a first deposit of at least 20 USD has been kept for 14 days (on the application clock).
 * The same device or address as the referrer's, or the same mailbox pattern, is a self-referral: rejected and
 * flagged for an operator. A deposit that was not kept is rejected too.
 */
describe('rewards: referrals', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    // The test client is the proxy, so each member can come from an address of their own.
    t = await startTestApp({ TRUSTED_PROXIES: '127.0.0.1' });
    admin = await registerAdmin(t);
  });
  afterAll(() => t.close());

  const from = (ip: string, device: string) => ({ 'X-Forwarded-For': ip, 'X-Device-Id': device });

  async function code(customer: Customer, ip: string, device: string): Promise<string> {
    const response = await t
      .http()
      .get('/api/referrals/code')
      .set(auth(customer))
      .set(from(ip, device))
      .expect(200);
    return response.body.code as string;
  }

  function attribute(customer: Customer, referralCode: string, ip: string, device: string) {
    return t
      .http()
      .post('/api/referrals/attribute')
      .set(auth(customer))
      .set(from(ip, device))
      .send({ code: referralCode });
  }

  async function points(customer: Customer): Promise<{ available: string; lifetime: string }> {
    await t.app.get(OutboxRelay).waitUntilPublished();
    return (await t.http().get('/api/rewards/balance').set(auth(customer)).expect(200)).body;
  }

  it('pays the referrer and the new member once, after verification and a kept first deposit', async () => {
    const rita = await onboard(t, 'rita');
    const ritaCode = await code(rita, '203.0.113.10', 'device-rita');
    expect(ritaCode).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(await code(rita, '203.0.113.10', 'device-rita')).toBe(ritaCode);

    const nina = await kycCustomer(t, 'nina');
    const claimed = await attribute(
      nina,
      `${ritaCode.slice(0, 4)}-${ritaCode.slice(4).toLowerCase()}`,
      '198.51.100.7',
      'device-nina',
    ).expect(201);
    expect(claimed.body.referral).toMatchObject({ status: 'pending', reason: null });
    await attribute(nina, ritaCode, '198.51.100.7', 'device-nina').expect(409, /REFERRAL_NOT_CLAIMABLE/);

    await verifyIdentity(t, nina, adminHeader(admin));
    await deposit(t, nina, '25.00');
    await advance(t, admin, 13 * 24 * 60);
    const before = await points(rita);
    expect(before.available).toBe('0');
    await advance(t, admin, 2 * 24 * 60);
    expect((await points(rita)).available).toBe('1000');
    // Nina: 500 for joining with a referral, her first deposit bonus (500, vested after 72 h) and two achievements
    // (verified identity 200, first deposit 100).
    expect((await points(nina)).available).toBe('1300');

    const list = await t.http().get('/api/referrals').set(auth(rita)).expect(200);
    expect(list.body.referrals).toEqual([
      expect.objectContaining({
        status: 'approved',
        referred: expect.stringMatching(/^ni\*\*\*@example\.com$/),
      }),
    ]);
    // Nothing more is paid however long the clock runs.
    await advance(t, admin, 30 * 24 * 60);
    expect((await points(rita)).available).toBe('1000');
  });

  it('a self-referral (the referrer’s device) is rejected and flagged; codes are claimed before the first deposit', async () => {
    const sam = await onboard(t, 'sam');
    const samCode = await code(sam, '203.0.113.20', 'device-sam');
    const alt = await onboard(t, 'tom');
    const rejected = await attribute(alt, samCode, '198.51.100.20', 'device-sam').expect(201);
    expect(rejected.body.referral).toMatchObject({ status: 'rejected', reason: 'self_referral_device' });
    const flagged = await t
      .http()
      .get('/api/admin/rewards/referrals/flagged')
      .set(adminHeader(admin))
      .expect(200);
    expect(flagged.body.referrals).toEqual(
      expect.arrayContaining([expect.objectContaining({ referrerId: sam.userId, referredId: alt.userId })]),
    );
    await t.http().get('/api/admin/rewards/referrals/flagged').set(auth(sam)).expect(403);

    const late = await onboard(t, 'uma');
    await deposit(t, late, '30.00');
    await t.app.get(OutboxRelay).waitUntilPublished();
    await attribute(late, samCode, '198.51.100.30', 'device-uma').expect(409, /already_deposited/);
    await attribute(late, 'NOPE0000', '198.51.100.30', 'device-uma').expect(400, /REFERRAL_CODE_INVALID/);
    await attribute(sam, samCode, '203.0.113.20', 'device-sam').expect(400, /REFERRAL_CODE_INVALID/);
  });

  it('a first deposit withdrawn before the holding period ends is not kept: the referral is rejected', async () => {
    const vic = await onboard(t, 'vic');
    const vicCode = await code(vic, '203.0.113.40', 'device-vic');
    const wes = await kycCustomer(t, 'wes');
    await attribute(wes, vicCode, '198.51.100.40', 'device-wes').expect(201);
    await verifyIdentity(t, wes, adminHeader(admin));
    await deposit(t, wes, '40.00');
    const [other] = [await onboard(t, 'xia')];
    await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(wes))
      .set('Idempotency-Key', `move-it-${wes.userId}`)
      .send({ to: other.email, amount: '35.00', currency: 'USDC' })
      .expect(201);
    await advance(t, admin, 15 * 24 * 60);
    await t.app.get(OutboxRelay).waitUntilPublished();
    const list = await t.http().get('/api/referrals').set(auth(vic)).expect(200);
    expect(list.body.referrals).toEqual([
      expect.objectContaining({ status: 'rejected', reason: 'deposit_not_held' }),
    ]);
    expect((await points(vic)).available).toBe('0');
  });
});
