import { OwnAddress } from '#monay/shared';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { DOCUMENT_STORE, type DocumentStore } from '#monay/kyc';
import { registerAdmin, type Admin } from './support/admin';
import {
  deliverWebhook,
  kycCustomer,
  identity,
  jpeg,
  kycStatus,
  sendVerifiedDocuments,
  startKyc,
  uploadDocument,
  vendorEvents,
} from './support/kyc';
import { auth, type Customer } from './support/money';
import { advanceClock } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

/**
 * Documents are checked by their bytes and size and stored encrypted, never served back; a reviewer approves or
 * declines what the vendor marks for review; an admin revokes a tier with a reason; an inquiry nobody finishes
 * expires after 24 hours of the sandbox clock, without waiting for a webhook. (Decisions come at once here.)
 */
describe('KYC: documents, review, revocation and expiry', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    t = await startTestApp({ KYC_DOCUMENT_MAX_BYTES: String(64 * 1024) });
    admin = await registerAdmin(t, 'kyc-reviewer');
  });
  afterAll(() => t.close());

  const level = async (customer: Customer) =>
    (await t.http().get('/api/wallet/limits').set(auth(customer)).expect(200)).body.tier;

  it('refuses documents by type, size, content and context; keeps them encrypted and never serves them back', async () => {
    const fay = await kycCustomer(t, 'fay');
    const early = await uploadDocument(t, fay, { type: 'selfie' });
    expect([early.status, early.body.error.code]).toEqual([409, 'KYC_INQUIRY_NOT_STARTED']);
    await startKyc(t, fay, identity()).expect(200);

    const gif = await uploadDocument(
      t,
      fay,
      { type: 'selfie' },
      { bytes: Buffer.from('GIF89a......'), name: 'a.jpg' },
    );
    expect([gif.status, gif.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const big = await uploadDocument(
      t,
      fay,
      { type: 'selfie' },
      { bytes: jpeg(64 * 1024 + 1), name: 'big.jpg' },
    );
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const noSide = await uploadDocument(t, fay, { type: 'government_id' });
    expect([noSide.status, noSide.body.error.code]).toEqual([400, 'KYC_DOCUMENT_INVALID']);
    const badType = await uploadDocument(t, fay, { type: 'passport_scan' });
    expect([badType.status, badType.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    const notAsked = await uploadDocument(t, fay, { type: 'proof_of_address' });
    expect([notAsked.status, notAsked.body.error.code]).toEqual([422, 'KYC_DOCUMENT_NOT_REQUESTED']);
    const noFile = await t.http().post('/api/user/kyc/documents').set(auth(fay)).field('type', 'selfie');
    expect([noFile.status, noFile.body.error.code]).toEqual([400, 'KYC_DOCUMENT_INVALID']);

    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(500, 0x41)]);
    const accepted = await uploadDocument(
      t,
      fay,
      { type: 'government_id', side: 'front' },
      { bytes: pdf, name: 'id.pdf' },
    );
    expect(accepted.status).toBe(201);
    expect(accepted.body.document).toEqual({
      id: expect.any(String),
      type: 'government_id',
      side: 'front',
      status: 'initiated',
      uploadedAt: expect.any(String),
    });
    const [stored] = (await t.app
      .get(DataSource)
      .query(`SELECT content_type, size_bytes, storage_key FROM kyc_documents WHERE id = $1`, [
        accepted.body.document.id,
      ])) as Array<{ content_type: string; size_bytes: number; storage_key: string }>;
    expect(stored).toMatchObject({ content_type: 'application/pdf', size_bytes: pdf.length });
    // At rest: AES-256-GCM (iv ‖ tag ‖ ciphertext), nothing of the PDF readable.
    const sealed = await t.app.get<symbol, DocumentStore>(DOCUMENT_STORE).get(stored.storage_key);
    expect(sealed?.length).toBe(pdf.length + 28);
    expect(sealed?.includes(Buffer.from('%PDF'))).toBe(false);
    expect(sealed?.includes(Buffer.alloc(16, 0x41))).toBe(false);
    const status = await kycStatus(t, fay);
    expect(status.inquiry.documents).toEqual([accepted.body.document]);
    expect(status.inquiry.missing.documents).toEqual([
      { type: 'government_id', side: 'back' },
      { type: 'selfie' },
    ]);
    expect(JSON.stringify(status)).not.toContain(stored.storage_key);
  });

  it('an unreadable government id (sandbox: a file name ending 0000) fails the inquiry with a reason to retry', async () => {
    const gus = await kycCustomer(t, 'gus');
    await startKyc(t, gus, identity()).expect(200);
    await uploadDocument(
      t,
      gus,
      { type: 'government_id', side: 'front' },
      { bytes: jpeg(), name: 'scan-0000.jpg' },
    ).expect(201);
    const back = await uploadDocument(t, gus, { type: 'government_id', side: 'back' }).expect(201);
    expect(back.body.inquiry).toMatchObject({
      status: 'failed',
      reasons: ['Your government ID could not be read; start again with clear photos of both sides'],
    });
    expect((await kycStatus(t, gus)).inquiry.documents.map((d: { status: string }) => d.status)).toEqual([
      'errored',
      'errored',
    ]);
    expect(await level(gus)).toEqual({ level: 1, name: 'basic' });
  });

  it('needs_review: listed for reviewers, approved or declined by one (reason shown to the user)', async () => {
    const [rita, ravi] = [await kycCustomer(t, 'rita'), await kycCustomer(t, 'ravi')];
    const inquiries: Record<string, string> = {};
    for (const customer of [rita, ravi]) {
      const started = await startKyc(t, customer, identity('Review')).expect(200);
      inquiries[customer.userId] = started.body.inquiry.id;
      await sendVerifiedDocuments(t, customer);
      // The vendor decided at once (marked for review); its webhook brings us there.
      const events = await vendorEvents(t, started.body.inquiry.vendorInquiryId as string);
      expect(events.at(-1)?.name).toBe('inquiry.marked-for-review');
      await deliverWebhook(t, (events.at(-1) as { body: string }).body).expect(200);
      expect((await kycStatus(t, customer)).inquiry.status).toBe('needs_review');
    }
    await t.http().get('/api/admin/kyc/inquiries?status=needs_review').set(auth(rita)).expect(403);
    const listed = await t
      .http()
      .get('/api/admin/kyc/inquiries?status=needs_review&limit=1')
      .set('Authorization', admin.Authorization)
      .expect(200);
    expect(listed.body.inquiries).toHaveLength(1);
    const next = await t
      .http()
      .get(`/api/admin/kyc/inquiries?status=needs_review&limit=1&cursor=${listed.body.nextCursor}`)
      .set('Authorization', admin.Authorization)
      .expect(200);
    expect([listed.body.inquiries[0].id, next.body.inquiries[0].id].sort()).toEqual(
      Object.values(inquiries).sort(),
    );

    const review = (inquiryId: string, body: Record<string, unknown>) =>
      t
        .http()
        .post(`/api/admin/kyc/inquiries/${inquiryId}/review`)
        .set('Authorization', admin.Authorization)
        .send(body);
    const approved = await review(inquiries[ravi.userId], { decision: 'approve' }).expect(200);
    expect(approved.body.inquiry.status).toBe('approved');
    expect(await level(ravi)).toEqual({ level: 2, name: 'verified' });
    const declined = await review(inquiries[rita.userId], {
      decision: 'decline',
      reason: 'The selfie does not match',
    });
    expect(declined.status).toBe(200);
    expect(await kycStatus(t, rita)).toMatchObject({
      tier: { level: 1, name: 'basic' },
      inquiry: { status: 'declined', reasons: ['The selfie does not match'] },
    });
    const twice = await review(inquiries[rita.userId], { decision: 'approve' });
    expect([twice.status, twice.body.error.code]).toEqual([409, 'KYC_INQUIRY_NOT_IN_REVIEW']);
    const unknown = await review('00000000-0000-4000-8000-000000000000', { decision: 'approve' });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'KYC_INQUIRY_NOT_FOUND']);
  });

  it('an admin revokes a tier with a reason: limits fall back to Basic at once, and the change is an event', async () => {
    const vera = await kycCustomer(t, 'vera');
    await startKyc(t, vera, identity()).expect(200);
    await sendVerifiedDocuments(t, vera);
    expect(await level(vera)).toEqual({ level: 2, name: 'verified' });
    const already = await startKyc(t, vera, identity());
    expect([already.status, already.body.error.code]).toEqual([409, 'KYC_TIER_ALREADY_HELD']);

    const revoke = (userId: string, body: Record<string, unknown>) =>
      t.http().post(`/api/admin/kyc/${userId}/revoke`).set('Authorization', admin.Authorization).send(body);
    await t
      .http()
      .post(`/api/admin/kyc/${vera.userId}/revoke`)
      .set(auth(vera))
      .send({ reason: 'no' })
      .expect(403);
    const revoked = await revoke(vera.userId, { reason: 'Document found to be forged' }).expect(200);
    expect(revoked.body).toEqual({
      success: true,
      userId: vera.userId,
      from: { level: 2, name: 'verified' },
      to: { level: 1, name: 'basic' },
      reason: 'Document found to be forged',
    });
    const limits = (await t.http().get('/api/wallet/limits').set(auth(vera)).expect(200)).body;
    expect(limits).toMatchObject({ kycLevel: 1, perTransaction: '1000.00', daily: { limit: '1000.00' } });
    const again = await revoke(vera.userId, { reason: 'Document found to be forged' });
    expect([again.status, again.body.error.code]).toEqual([409, 'KYC_NOTHING_TO_REVOKE']);
    const nobody = await revoke('00000000-0000-4000-8000-000000000000', { reason: 'Who?' });
    expect([nobody.status, nobody.body.error.code]).toEqual([404, 'KYC_USER_NOT_FOUND']);
    expect((await revoke(vera.userId, {})).status).toBe(400);

    const events = (await t.app
      .get(DataSource)
      .query(
        `SELECT payload FROM outbox WHERE type = 'KycTierChanged' AND aggregate_id = $1 ORDER BY sequence`,
        [vera.userId],
      )) as Array<{ payload: Record<string, unknown> }>;
    expect(
      events.map((event) => [event.payload.direction, event.payload.reason, event.payload.actorUserId]),
    ).toEqual([
      ['up', 'inquiry_approved', null],
      ['down', 'Document found to be forged', admin.userId],
    ]);
  });

  it('Premium asks for proof of address and source of funds on top, and raises a Verified user to Premium', async () => {
    const pia = await kycCustomer(t, 'pia');
    await startKyc(t, pia, identity()).expect(200);
    await sendVerifiedDocuments(t, pia);
    const started = await startKyc(t, pia, identity('Lovelace', 3)).expect(200);
    expect(started.body.inquiry.missing.documents).toHaveLength(5);
    await sendVerifiedDocuments(t, pia);
    await uploadDocument(t, pia, { type: 'proof_of_address' }).expect(201);
    const last = await uploadDocument(t, pia, { type: 'source_of_funds' }).expect(201);
    expect(last.body.inquiry.status).toBe('approved');
    const limits = (await t.http().get('/api/wallet/limits').set(auth(pia)).expect(200)).body;
    expect(limits).toMatchObject({
      tier: { level: 3, name: 'premium' },
      perTransaction: '50000.00',
      nextTier: null,
    });
    expect(limits.features).toContain('wires');
  });

  it('an inquiry left pending expires after 24 hours of the sandbox clock, and a new start opens a fresh one', async () => {
    const ivy = await kycCustomer(t, 'ivy');
    const started = await startKyc(t, ivy, identity()).expect(200);
    await uploadDocument(t, ivy, { type: 'selfie' }).expect(201);
    await advanceClock(t, admin, 23 * 60);
    expect((await kycStatus(t, ivy)).inquiry.status).toBe('pending');
    await advanceClock(t, admin, 61);
    // No webhook was delivered: the sweep asked the vendor.
    const expired = await kycStatus(t, ivy);
    expect(expired.inquiry).toMatchObject({
      id: started.body.inquiry.id,
      status: 'expired',
      expiresAt: null,
    });
    const events = await vendorEvents(t, started.body.inquiry.vendorInquiryId as string);
    expect(events.at(-1)?.name).toBe('inquiry.expired');
    const late = await uploadDocument(t, ivy, { type: 'selfie' });
    expect([late.status, late.body.error.code]).toEqual([409, 'KYC_INQUIRY_NOT_STARTED']);
    const fresh = await startKyc(t, ivy, identity()).expect(200);
    expect(fresh.body.inquiry).toMatchObject({ status: 'pending' });
    expect(fresh.body.inquiry.id).not.toBe(started.body.inquiry.id);
  });

  it('the sandbox vendor delivers its own signed webhooks once the API listens, and each is recorded once', async () => {
    await t.app.listen(0, '127.0.0.1');
    t.app.get(OwnAddress).listeningOn(t.app.getHttpServer().address() as AddressInfo);
    const uma = await kycCustomer(t, 'uma');
    const started = await startKyc(t, uma, identity()).expect(200);
    const vendorInquiryId = started.body.inquiry.vendorInquiryId as string;
    await sendVerifiedDocuments(t, uma);
    const db = t.app.get(DataSource);
    const received = await waitFor('the sandbox’s webhooks to arrive', async () => {
      const rows = (await db.query(
        `SELECT name, outcome FROM kyc_webhook_events WHERE vendor_inquiry_id = $1 ORDER BY name`,
        [vendorInquiryId],
      )) as Array<{ name: string; outcome: string }>;
      return rows.length === 4 ? rows : undefined;
    });
    expect(received.map((row) => row.name)).toEqual([
      'inquiry.approved',
      'inquiry.completed',
      'inquiry.created',
      'inquiry.started',
    ]);
    const undelivered = (await db.query(
      `SELECT count(*)::int AS n FROM sandbox_kyc_events WHERE inquiry_id = $1 AND delivered_at IS NULL
`,
      [vendorInquiryId],
    )) as Array<{ n: number }>;
    expect(undelivered[0].n).toBe(0);
    expect(await level(uma)).toEqual({ level: 2, name: 'verified' });
  });
});
