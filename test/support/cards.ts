import type { AddressInfo } from 'node:net';
import { OwnAddress } from '#monay/shared';
import { adminHeader, type Admin } from './admin';
import { raiseTier } from './kyc';
import { auth, deposit, onboard, type Customer } from './money';
import type { TestApp } from './test-app';

/** The sandbox card network calls the app back (real-time authorizations, webhooks): it must listen. */
export async function listen(t: TestApp): Promise<void> {
  await t.app.listen(0, '127.0.0.1');
  t.app.get(OwnAddress).listeningOn(t.app.getHttpServer().address() as AddressInfo);
}

/** A Verified customer with `funds` USDC and one card (limits as given). */
export async function cardholder(
  t: TestApp,
  prefix: string,
  funds: string,
  limits: Record<string, unknown> = {},
): Promise<{ customer: Customer; card: CardBody }> {
  const customer = await onboard(t, prefix);
  await raiseTier(t, customer, 2);
  if (funds !== '0.00') await deposit(t, customer, funds);
  const created = await createCard(t, customer, { nickname: `${prefix} card`, limits }).expect(201);
  return { customer, card: created.body.card as CardBody };
}

export interface CardBody {
  id: string;
  state: string;
  last4: string;
  limits: Record<string, unknown>;
  replacementFor: string | null;
}

export function createCard(t: TestApp, customer: Customer, body: Record<string, unknown>) {
  return t.http().post('/api/card/virtual/create').set(auth(customer)).send(body);
}

export const MERCHANT = { name: 'Corner Bistro', mcc: '5812', city: 'Springfield', country: 'US' };

/** A purchase on the sandbox network: it asks the app in real time and answers what the app decided. */
export async function purchase(
  t: TestApp,
  admin: Admin,
  cardId: string,
  amount: string,
  merchant: Record<string, unknown> = MERCHANT,
): Promise<{ id: string; status: string; declineCode: string | null; amount: string }> {
  const response = await t
    .http()
    .post(`/api/admin/sandbox/cards/${cardId}/authorize`)
    .set(adminHeader(admin))
    .send({ amount, merchant })
    .expect(200);
  return response.body.authorization;
}

/** A later step of an authorization on the sandbox network (clear, reverse, refund, increment). */
export function network(
  t: TestApp,
  admin: Admin,
  cardId: string,
  step: 'clear' | 'reverse' | 'refund' | 'increment',
  body: Record<string, unknown>,
) {
  return t.http().post(`/api/admin/sandbox/cards/${cardId}/${step}`).set(adminHeader(admin)).send(body);
}
