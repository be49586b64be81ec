import { DataSource } from 'typeorm';
import { signPersona } from '#monay/kyc';
import { AppConfig } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { auth, onboard, type Customer } from './money';
import { latestCode, mailbox, verifyEmail } from './security';
import type { TestApp } from './test-app';

let phones = 0;

/** A new customer whose email and phone are verified (through the routes and the dev mailbox), as KYC requires. */
export async function kycCustomer(t: TestApp, prefix: string): Promise<Customer> {
  const customer = await onboard(t, prefix);
  await verifyEmail(t, customer);
  phones += 1;
  const phone = `+1${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 10_000).padStart(4, '0')}${String(phones).padStart(3, '0')}`;
  const before = (await mailbox(t, phone)).filter((m) => m.meta.purpose === 'phone_verification').length;
  await t.http().post('/api/auth/phone/verify-request').set(auth(customer)).send({ phone }).expect(202);
  const code = await latestCode(t, phone, 'phone_verification', before);
  await t.http().post('/api/auth/phone/verify').set(auth(customer)).send({ code }).expect(200);
  return customer;
}

/** The identity fields of a start, with `lastName` driving the sandbox (`Review`, `Decline`). */
export function identity(lastName = 'Lovelace', targetTier: 2 | 3 = 2) {
  return {
    targetTier,
    firstName: 'Ada',
    lastName,
    dateOfBirth: '1990-12-10',
    address: { line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
  };
}

export function startKyc(t: TestApp, customer: Customer, body: Record<string, unknown>) {
  return t.http().post('/api/user/kyc/start').set(auth(customer)).send(body);
}

export async function kycStatus(t: TestApp, customer: Customer) {
  return (await t.http().get('/api/user/kyc/status').set(auth(customer)).expect(200)).body;
}

/** A small, real JPEG header followed by filler: a JPEG by its magic bytes. */
export function jpeg(size = 2_048): Buffer {
  const bytes = Buffer.alloc(size, 0x20);
  bytes.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return bytes;
}

export function uploadDocument(
  t: TestApp,
  customer: Customer,
  fields: { type: string; side?: string },
  file: { bytes: Buffer; name: string } = { bytes: jpeg(), name: 'photo.jpg' },
) {
  const request = t.http().post('/api/user/kyc/documents').set(auth(customer)).field('type', fields.type);
  if (fields.side) request.field('side', fields.side);
  return request.attach('file', file.bytes, { filename: file.name, contentType: 'image/jpeg' });
}

/** Everything the Verified tier asks for: both sides of a government id and a selfie. */
const created = (response: { status: number; body: unknown }) => {
  if (response.status !== 201) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
};

export async function sendVerifiedDocuments(t: TestApp, customer: Customer, idFileName = 'id.jpg') {
  await uploadDocument(
    t,
    customer,
    { type: 'government_id', side: 'front' },
    { bytes: jpeg(), name: idFileName },
  ).expect(created);
  await uploadDocument(
    t,
    customer,
    { type: 'government_id', side: 'back' },
    { bytes: jpeg(), name: idFileName },
  ).expect(created);
  return uploadDocument(t, customer, { type: 'selfie' }).expect(created);
}

/** The events the sandbox vendor sent about an inquiry, in the order it sent them (their bodies as signed). */
export async function vendorEvents(
  t: TestApp,
  vendorInquiryId: string,
): Promise<Array<{ id: string; name: string; body: string }>> {
  return (await t.app
    .get(DataSource)
    .query(`SELECT id, name, body FROM sandbox_kyc_events WHERE inquiry_id = $1 ORDER BY seq`, [
      vendorInquiryId,
    ])) as Array<{ id: string; name: string; body: string }>;
}

/** Posts a vendor webhook signed as Persona signs, with the app's secrets unless told otherwise. */
export function deliverWebhook(
  t: TestApp,
  body: string,
  options: { secrets?: string[]; at?: number; signature?: string } = {},
) {
  const secrets = options.secrets ?? t.app.get(AppConfig).kyc.webhookSecrets;
  const at = options.at ?? Math.floor(Date.now() / 1000);
  return t
    .http()
    .post('/api/webhooks/kyc/persona')
    .set('Content-Type', 'application/json')
    .set('Persona-Signature', options.signature ?? signPersona(secrets, body, at))
    .send(body);
}

/** A Persona-shaped event about `vendorInquiryId` claiming `status` (what a forger would send). */
export function forgedEvent(eventId: string, vendorInquiryId: string, status: string): string {
  return JSON.stringify({
    data: {
      type: 'event',
      id: eventId,
      attributes: {
        name: `inquiry.${status}`,
        'created-at': new Date().toISOString(),
        payload: { data: { type: 'inquiry', id: vendorInquiryId, attributes: { status } } },
      },
    },
  });
}

/**
 * A new customer raised to the Verified tier the way a real one is: email and phone verified, verification started,
 * documents sent, the sandbox vendor's decision delivered as its signed webhooks.
 */
export async function verifiedCustomer(
  t: TestApp,
  prefix: string,
  admin: { Authorization: string },
): Promise<Customer> {
  const customer = await kycCustomer(t, prefix);
  await verifyIdentity(t, customer, admin);
  return customer;
}

/** Takes an existing customer (email and phone verified) through verification to the Verified tier. */
export async function verifyIdentity(
  t: TestApp,
  customer: Customer,
  admin: { Authorization: string },
): Promise<void> {
  const started = await startKyc(t, customer, identity()).expect(200);
  await sendVerifiedDocuments(t, customer);
  await t.http().post('/api/admin/sandbox/clock/advance').set(admin).send({ minutes: 2 }).expect(200);
  for (const event of await vendorEvents(t, started.body.inquiry.vendorInquiryId as string)) {
    await deliverWebhook(t, event.body).expect(200);
  }
  const status = await kycStatus(t, customer);
  if (status.tier?.level !== 2)
    throw new Error(`verification did not raise the tier: ${JSON.stringify(status)}`);
}

/**
 * Sets the customer's KYC tier directly, as libs/kyc does on approval (through wallet's public `WalletAccess`):
 * for scenarios about what a tier unlocks rather than about verification itself.
 */
export async function raiseTier(t: TestApp, customer: Customer, level: 1 | 2 | 3): Promise<void> {
  const wallets = t.app.get(WalletAccess);
  await t.app.get(DataSource).transaction(async (tx) => {
    await wallets.lockKycLevel(tx, customer.userId);
    await wallets.setKycLevel(tx, customer.userId, level);
  });
}
