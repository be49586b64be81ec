import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signPersona } from '#monay/kyc';
import { AppConfig } from '#monay/shared';
import { registerAdmin, type Admin } from './support/admin';
import {
  deliverWebhook,
  kycCustomer,
  forgedEvent,
  identity,
  kycStatus,
  sendVerifiedDocuments,
  startKyc,
  vendorEvents,
} from './support/kyc';
import { auth, expectBooksBalanced, onboard, type Customer } from './support/money';
import { depositRequest, withdrawRequest } from './support/provider-movements';
import { advanceClock, verifyEmail } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';
import { KYC_VENDOR, type KycVendor } from '../libs/kyc/src/application/kyc-vendor.port';
import { itRacesOnPostgres } from '../libs/shared/src/testing';

/**
 * A Basic user verifies with the Persona-shaped sandbox: start → documents → the vendor decides (a minute after
 * completion, on the sandbox clock) → its signed webhooks, delivered duplicated and out of order, bring the
 * inquiry to what the vendor says when asked → tier Verified, and the wallet's limits rise at once. Webhooks are
 * believed for nothing: a bad or stale signature is 401, and a forged status is checked against the vendor.
 */
describe('KYC: verification raises the tier and the limits through signed vendor webhooks', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    // Step-up (a second factor above 1,000 USD) is another story: out of the way here.
    t = await startTestApp({ KYC_SANDBOX_DECISION_DELAY_MS: '60000', STEP_UP_AMOUNT_USD: '100000.00' });
    admin = await registerAdmin(t, 'kyc-admin');
  });
  afterAll(() => t.close());

  const limits = async (customer: Customer) =>
    (await t.http().get('/api/wallet/limits').set(auth(customer)).expect(200)).body;
  const tierChanges = async (userId: string) =>
    (
      (await t.app
        .get(DataSource)
        .query(
          `SELECT payload FROM outbox WHERE type = 'KycTierChanged' AND aggregate_id = $1 ORDER BY sequence`,
          [userId],
        )) as Array<{ payload: Record<string, unknown> }>
    ).map((row) => row.payload);

  it('Basic user → start → documents → approved (webhooks duplicated, reordered) → Verified, limits risen', async () => {
    const alice = await kycCustomer(t, 'alice');
    const before = await limits(alice);
    expect(before).toMatchObject({
      tier: { level: 1, name: 'basic' },
      perTransaction: '1000.00',
      nextTier: { level: 2, name: 'verified', perTransaction: '10000.00', daily: '10000.00' },
    });
    // Basic caps: a 1,500 withdrawal is refused before anything is held.
    const refused = await withdrawRequest(t, alice, { amount: '1500.00' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      message: 'This would exceed your per-transaction limit',
    });

    const started = await startKyc(t, alice, identity('Lovelace')).expect(200);
    expect(started.body.inquiry).toMatchObject({
      targetTier: 2,
      status: 'pending',
      vendorInquiryId: expect.stringMatching(/^inq_/),
      missing: {
        fields: [],
        documents: [
          { type: 'government_id', side: 'front' },
          { type: 'government_id', side: 'back' },
          { type: 'selfie' },
        ],
      },
    });
    // Idempotent per user and tier: the same inquiry is resumed.
    const again = await startKyc(t, alice, identity('Lovelace')).expect(200);
    expect(again.body.inquiry.id).toBe(started.body.inquiry.id);
    const vendorInquiryId = started.body.inquiry.vendorInquiryId as string;

    const last = await sendVerifiedDocuments(t, alice);
    expect(last.body.inquiry).toMatchObject({ status: 'completed', missing: { documents: [] } });
    expect(last.body.document).toEqual({
      id: expect.any(String),
      type: 'selfie',
      side: null,
      status: 'processed',
      uploadedAt: expect.any(String),
    });
    expect((await kycStatus(t, alice)).tier).toEqual({ level: 1, name: 'basic' });

    // The vendor decides a minute after completion (sandbox clock); its events wait to be delivered.
    await advanceClock(t, admin, 2);
    const events = await vendorEvents(t, vendorInquiryId);
    expect(events.map((event) => event.name)).toEqual([
      'inquiry.created',
      'inquiry.started',
      'inquiry.completed',
      'inquiry.approved',
    ]);
    const approved = events[3];
    // Out of order and duplicated: the approval first, twice at once, then the older events.
    const [first, second] = await Promise.all([
      deliverWebhook(t, approved.body),
      deliverWebhook(t, approved.body),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([first.body, second.body]).toEqual(
      expect.arrayContaining([
        { received: true, status: 'approved' },
        { received: true, duplicate: true },
      ]),
    );
    for (const event of [events[2], events[0], events[1]]) {
      const response = await deliverWebhook(t, event.body).expect(200);
      expect(response.body).toEqual({ received: true, status: 'approved' });
    }
    expect((await deliverWebhook(t, events[0].body).expect(200)).body).toEqual({
      received: true,
      duplicate: true,
    });

    const status = await kycStatus(t, alice);
    expect(status).toMatchObject({
      tier: { level: 2, name: 'verified' },
      inquiry: { id: started.body.inquiry.id, status: 'approved', reasons: [] },
      nextTiers: [{ level: 3, name: 'premium', perTransaction: '50000.00' }],
    });
    expect(status.features).toEqual(
      expect.arrayContaining(['withdrawals', 'bank_transfers', 'virtual_cards']),
    );
    expect(await tierChanges(alice.userId)).toEqual([
      expect.objectContaining({
        userId: alice.userId,
        from: { level: 1, name: 'basic' },
        to: { level: 2, name: 'verified' },
        direction: 'up',
        reason: 'inquiry_approved',
        inquiryId: started.body.inquiry.id,
      }),
    ]);

    // What the socket sends (`kyc.updated`), as the missed-events replay shows it.
    const missed = await t.http().get('/api/realtime/missed?limit=50').set(auth(alice)).expect(200);
    const kycMessages = (missed.body.events as Array<{ event: string; data: Record<string, unknown> }>)
      .filter((message) => message.event === 'kyc.updated')
      .map(({ data }) =>
        data.kind === 'tier' ? `tier:${(data.tier as { name: string }).name}` : data.status,
      );
    expect(kycMessages).toEqual(['pending', 'completed', 'approved', 'tier:verified']);

    // The limits rose at once: a 1,234.56 deposit (above Basic's 1,000) and the 1,500 withdrawal now go through.
    await depositRequest(t, alice, { amount: '1234.56' }).expect(201);
    await depositRequest(t, alice, { amount: '1000.00' }).expect(201);
    const after = await limits(alice);
    expect(after).toMatchObject({
      kycLevel: 2,
      tier: { level: 2, name: 'verified' },
      perTransaction: '10000.00',
      deposits: {
        perTransaction: '10000.00',
        daily: { limit: '10000.00', used: '2234.56', remaining: '7765.44' },
        monthly: { limit: '100000.00', used: '2234.56', remaining: '97765.44' },
      },
      nextTier: { level: 3, name: 'premium' },
    });
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    expect(after.deposits.daily.resetsAt).toBe(midnight.toISOString());
    const withdrawal = await withdrawRequest(t, alice, { amount: '1500.00' });
    expect([201, 202]).toContain(withdrawal.status);
    const sent = await limits(alice);
    // What was counted is the withdrawal plus the fee held for it, to the cent.
    expect(BigInt(sent.daily.used.replace('.', '')) + BigInt(sent.daily.remaining.replace('.', ''))).toBe(
      1_000_000n,
    );
    expect(BigInt(sent.daily.used.replace('.', ''))).toBeGreaterThanOrEqual(150_000n);
    await expectBooksBalanced(t, [alice]);
  });

  it('refuses a missing, wrong, stale or foreign signature with 401, and takes two pairs while a secret rotates', async () => {
    const body = forgedEvent('evt_unknown1', 'inq_doesnotexist', 'approved');
    const secrets = t.app.get(AppConfig).kyc.webhookSecrets;
    const now = Math.floor(Date.now() / 1000);
    const refusals = [
      await t.http().post('/api/webhooks/kyc/persona').set('Content-Type', 'application/json').send(body),
      await deliverWebhook(t, body, { secrets: ['a-secret-that-is-not-ours-at-all-0123456789'] }),
      await deliverWebhook(t, body, { at: now - 310 }),
      await deliverWebhook(t, body, { at: now + 400 }),
      await deliverWebhook(t, body, { signature: 't=abc,v1=00' }),
      await deliverWebhook(t, `${body} `, { signature: signPersona(secrets, body, now) }),
    ];
    for (const [index, response] of refusals.entries()) {
      expect([index, response.status]).toEqual([index, 401]);
      expect(response.body).toMatchObject({
        success: false,
        error: { code: 'KYC_WEBHOOK_SIGNATURE_INVALID' },
      });
    }
    await t
      .http()
      .post('/api/webhooks/kyc/other-vendor')
      .set('Content-Type', 'application/json')
      .send(body)
      .expect(404);
    // An old secret no longer ours plus the current one (Persona sends a pair per secret while rotating).
    const rotated = await deliverWebhook(t, body, {
      secrets: ['the-previous-secret-0123456789abcdef', secrets[0]],
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ received: true, ignored: true });
    // An authentic body that is not an event is 400.
    const notAnEvent = await deliverWebhook(t, JSON.stringify({ data: { type: 'event', id: 'nope' } }));
    expect(notAnEvent.status).toBe(400);
    expect(notAnEvent.body.error.code).toBe('KYC_WEBHOOK_PAYLOAD_INVALID');
  });

  it('answers 409 to an event that outran the start (the vendor has the inquiry, we have not linked it), so the vendor delivers it again', async () => {
    // One about an inquiry the vendor does not know is ignored (200, above): a redelivery would change nothing.
    const { targetTier, ...fields } = identity();
    const outrun = await onboard(t, 'outrun');
    const unlinked = await t.app.get<KycVendor>(KYC_VENDOR).createInquiry({
      referenceId: outrun.userId,
      idempotencyKey: randomUUID(),
      targetTier,
      fields,
    });
    const early = await deliverWebhook(t, forgedEvent('evt_outrun01', unlinked.id, 'created'));
    expect([early.status, early.body.error?.code]).toEqual([409, 'KYC_INQUIRY_NOT_LINKED_YET']);
  });

  it('believes the vendor, not a forged status: an authentic event claiming approval moves nothing', async () => {
    const bob = await kycCustomer(t, 'bob');
    const started = await startKyc(t, bob, identity('Fairfax')).expect(200);
    const vendorInquiryId = started.body.inquiry.vendorInquiryId as string;
    const forged = await deliverWebhook(t, forgedEvent('evt_forged1', vendorInquiryId, 'approved')).expect(
      200,
    );
    expect(forged.body).toEqual({ received: true, status: 'pending' });
    expect(await kycStatus(t, bob)).toMatchObject({
      tier: { level: 1, name: 'basic' },
      inquiry: { status: 'pending' },
    });
    expect(await tierChanges(bob.userId)).toEqual([]);
  });

  it('when the vendor’s webhooks are lost, the inquiry is asked about after ten minutes and decided all the same', async () => {
    const lou = await kycCustomer(t, 'lou');
    await startKyc(t, lou, identity()).expect(200);
    await sendVerifiedDocuments(t, lou);
    await advanceClock(t, admin, 2);
    expect(await kycStatus(t, lou)).toMatchObject({ tier: { level: 1 }, inquiry: { status: 'completed' } });
    await advanceClock(t, admin, 10);
    expect(await kycStatus(t, lou)).toMatchObject({
      tier: { level: 2, name: 'verified' },
      inquiry: { status: 'approved' },
    });
  });

  it('a declined inquiry shows the user its reason, keeps Basic, and a new start opens a new inquiry', async () => {
    const dan = await kycCustomer(t, 'dan');
    const started = await startKyc(t, dan, identity('Decline')).expect(200);
    await sendVerifiedDocuments(t, dan);
    await advanceClock(t, admin, 2);
    const events = await vendorEvents(t, started.body.inquiry.vendorInquiryId as string);
    expect(events.map((event) => event.name).at(-1)).toBe('inquiry.declined');
    for (const event of [...events].reverse()) await deliverWebhook(t, event.body).expect(200);
    const status = await kycStatus(t, dan);
    expect(status).toMatchObject({
      tier: { level: 1, name: 'basic' },
      inquiry: {
        status: 'declined',
        reasons: ['We could not verify your identity with the details and documents given'],
      },
    });
    expect(await tierChanges(dan.userId)).toEqual([]);
    const retry = await startKyc(t, dan, identity('Lovelace')).expect(200);
    expect(retry.body.inquiry.id).not.toBe(started.body.inquiry.id);
    expect(retry.body.inquiry.status).toBe('pending');
  });

  it('validates the identity fields: adult, real dates, ISO country, a tier above the user’s', async () => {
    const erin = await kycCustomer(t, 'erin');
    const future = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const seventeen = new Date(Date.now() - 17 * 365 * 86_400_000).toISOString().slice(0, 10);
    for (const body of [
      { ...identity(), dateOfBirth: future },
      { ...identity(), dateOfBirth: seventeen },
      { ...identity(), dateOfBirth: '1990-02-30' },
      { ...identity(), address: { ...identity().address, country: 'XX' } },
      { ...identity(), targetTier: 1 },
      { ...identity(), firstName: '' },
      { ...identity(), address: undefined },
    ]) {
      const response = await startKyc(t, erin, body);
      expect([JSON.stringify(body), response.status]).toEqual([JSON.stringify(body), 400]);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    await t.http().post('/api/user/kyc/start').send(identity()).expect(401);
  });

  it('asks for a verified email and phone before anything reaches the vendor', async () => {
    const eve = await onboard(t, 'eve');
    const refused = await startKyc(t, eve, identity());
    expect([refused.status, refused.body.error]).toEqual([
      409,
      expect.objectContaining({ code: 'KYC_CONTACT_NOT_VERIFIED', details: { email: false, phone: false } }),
    ]);
    await verifyEmail(t, eve);
    const stillPhone = await startKyc(t, eve, identity());
    expect([stillPhone.status, stillPhone.body.error.details]).toEqual([409, { email: true, phone: false }]);
    const [{ n }] = (await t.app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM sandbox_kyc_inquiries WHERE reference_id = $1`, [
        eve.userId,
      ])) as Array<{
      n: number;
    }>;
    expect(n).toBe(0);
  });

  itRacesOnPostgres(
    'concurrent starts of one user and tier open one inquiry, at the vendor too',
    async () => {
      const hal = await kycCustomer(t, 'hal');
      const answers = await Promise.all(Array.from({ length: 6 }, () => startKyc(t, hal, identity())));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(answers.map((answer) => answer.body.inquiry.id)).size).toBe(1);
      expect(new Set(answers.map((answer) => answer.body.inquiry.vendorInquiryId)).size).toBe(1);
      const [{ n }] = (await t.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM sandbox_kyc_inquiries WHERE reference_id = $1`, [
          hal.userId,
        ])) as Array<{
        n: number;
      }>;
      expect(n).toBe(1);
    },
  );

  itRacesOnPostgres('the same approval delivered by many requests at once raises the tier once', async () => {
    const ike = await kycCustomer(t, 'ike');
    const started = await startKyc(t, ike, identity()).expect(200);
    await sendVerifiedDocuments(t, ike);
    await advanceClock(t, admin, 2);
    const events = await vendorEvents(t, started.body.inquiry.vendorInquiryId as string);
    const bodies = [...events, ...events, ...events].map((event) => event.body);
    const answers = await Promise.all(bodies.map((body) => deliverWebhook(t, body)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.filter((answer) => answer.body.duplicate !== true)).toHaveLength(events.length);
    expect(await tierChanges(ike.userId)).toHaveLength(1);
    expect((await kycStatus(t, ike)).tier).toEqual({ level: 2, name: 'verified' });
  });
});
