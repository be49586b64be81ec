import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { loadConfig, OutboxRelay } from '#monay/shared';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { verifiedAccount } from '../support/bank';
import { raiseTier } from '../support/kyc';
import { auth, deposit, onboard, type Customer } from '../support/money';
import { verifyEmail } from '../support/security';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import { isErrorEnvelope } from './support/http';
import { fillPath, routeName, routesOf, type Route } from './support/openapi';
import { recordSummary, secondsSince } from './support/summary';
import { badTokens } from './support/tokens';

/** Resources a customer owns, each reachable by an id in a path. */
type Resource =
  | 'transfer'
  | 'recurring'
  | 'notification'
  | 'deposit'
  | 'withdrawal'
  | 'swap'
  | 'rule'
  | 'transaction'
  | 'session'
  | 'device'
  | 'monitor'
  | 'contact'
  | 'paymentRequest'
  | 'incomingRequest'
  | 'invite'
  | 'bankAccount'
  | 'verifiedBankAccount'
  | 'bankTransfer'
  | 'billPayment'
  | 'card';

type IdRouteRule =
  /**
   * The caller's own resource: anyone else gets 404, exactly as for an id that does not exist. `once`: the owner's
   * call is not repeatable with success (a delete, a reminder at most once a day), so it is made once.
   * `ownerStatus`: what the owner's own plain request answers when it is not a 2xx (a reveal without a step-up token
   * is 403).
   */
  | { owned: Resource; body?: Record<string, unknown>; once?: true; ownerStatus?: number }
  /** Admin-only: a customer gets 403 whatever the id. */
  | { admin: string }
  /** The path parameter names no user's resource. */
  | { notAResource: string };

/**
 * Every route with a path parameter, and how the matrix checks it. A route the OpenAPI document lists and this
 * table does not fails the suite: a new id-taking route must say how its resource is made and who may see it.
 */
const ID_ROUTES: Record<string, IdRouteRule> = {
  'GET /api/p2p-transfer/status/{id}': { owned: 'transfer' },
  'GET /api/recurring/{id}': { owned: 'recurring' },
  'PUT /api/recurring/{id}': { owned: 'recurring', body: { status: 'paused' } },
  'DELETE /api/recurring/{id}': { owned: 'recurring' },
  'POST /api/notifications/{id}/read': { owned: 'notification' },
  'GET /api/notifications/{id}': { owned: 'notification' },
  'DELETE /api/notifications/devices/{id}': { owned: 'device' },
  'DELETE /api/wallet/monitors/{id}': { owned: 'monitor' },
  'GET /api/consumer/deposits/{id}': { owned: 'deposit' },
  'GET /api/consumer/withdrawals/{id}': { owned: 'withdrawal' },
  'GET /api/consumer/swaps/{id}': { owned: 'swap' },
  'DELETE /api/analytics/rules/{id}': { owned: 'rule' },
  'POST /api/analytics/rules/{id}/preview': { owned: 'rule' },
  'POST /api/analytics/rules/{id}/apply': { owned: 'rule' },
  'PUT /api/transactions/{id}/category': { owned: 'transaction', body: { category: 'TRAVEL' } },
  'DELETE /api/auth/sessions/{id}': { owned: 'session' },
  'GET /api/contacts/{id}': { owned: 'contact' },
  'PUT /api/contacts/{id}': { owned: 'contact', body: { favourite: true } },
  'DELETE /api/contacts/{id}': { owned: 'contact', once: true },
  'GET /api/payment-requests/{id}': { owned: 'paymentRequest' },
  'GET /api/payment-requests/{id}/qr': { owned: 'paymentRequest' },
  'POST /api/payment-requests/{id}/cancel': { owned: 'paymentRequest' },
  'POST /api/payment-requests/{id}/remind': { owned: 'paymentRequest', once: true },
  'POST /api/payment-requests/{id}/pay': {
    owned: 'incomingRequest',
    body: { idempotencyKey: 'chaos-matrix-pay-key' },
  },
  'POST /api/payment-requests/{id}/decline': { owned: 'incomingRequest' },
  'POST /api/p2p-transfer/{id}/cancel': { owned: 'invite' },
  'POST /api/admin/jobs/dead-letter/{id}/retry': { admin: 'dead letters are the operator’s' },
  'POST /api/admin/events/parked/{id}/retry': { admin: 'parked events are the operator’s' },
  'GET /api/admin/reconciliation/{id}': { admin: 'reconciliation reports are the operator’s' },
  'POST /api/admin/movement-exceptions/{id}/retry': { admin: 'movement exceptions are the operator’s' },
  'PUT /api/admin/providers/{name}/mode': { admin: 'a sandbox provider, by name' },
  'POST /api/webhooks/providers/{name}': {
    notAResource: 'a provider name; public, authenticated by its HMAC signature',
  },
  'POST /api/admin/kyc/inquiries/{inquiryId}/review': {
    admin: 'a reviewer’s decision on any user’s inquiry',
  },
  'POST /api/admin/kyc/{userId}/revoke': { admin: 'an operator revokes any user’s tier' },
  'POST /api/webhooks/kyc/{vendor}': {
    notAResource: 'a KYC vendor name; public, authenticated by its Persona-Signature',
  },
  // A verified account (linked instantly): verifying it again is a no-op that answers it as it stands.
  'POST /api/bank-accounts/{id}/verify': {
    owned: 'verifiedBankAccount',
    body: { amount1: '0.01', amount2: '0.02' },
  },
  'DELETE /api/bank-accounts/{id}': { owned: 'bankAccount' },
  'GET /api/add-money/ach/status/{id}': { owned: 'bankTransfer' },
  'POST /api/add-money/ach/{id}/cancel': { owned: 'bankTransfer' },
  'GET /api/withdrawal/ach/status/{id}': { owned: 'bankTransfer' },
  'POST /api/withdrawal/ach/{id}/cancel': { owned: 'bankTransfer' },
  'POST /api/bill-pay/payments/{id}/cancel': { owned: 'billPayment' },
  'GET /api/card/virtual/{id}': { owned: 'card' },
  'POST /api/card/virtual/{id}/reveal': { owned: 'card', ownerStatus: 403 },
  'DELETE /api/card/virtual/{id}': { owned: 'card' },
  'PUT /api/card/{id}/freeze': { owned: 'card', body: { frozen: true } },
  'PUT /api/card/{id}/limits': { owned: 'card', body: { daily: '100.00' } },
  'POST /api/card/{id}/report': { owned: 'card', body: { reason: 'lost' } },
  'GET /api/card/{id}/transactions': { owned: 'card' },
  'POST /api/admin/sandbox/cards/{id}/authorize': { admin: 'the sandbox card network' },
  'POST /api/admin/sandbox/cards/{id}/increment': { admin: 'the sandbox card network' },
  'POST /api/admin/sandbox/cards/{id}/clear': { admin: 'the sandbox card network' },
  'POST /api/admin/sandbox/cards/{id}/reverse': { admin: 'the sandbox card network' },
  'POST /api/admin/sandbox/cards/{id}/refund': { admin: 'the sandbox card network' },
  'POST /api/webhooks/cards/{issuer}': {
    notAResource: 'a card issuer name; public, authenticated by its Standard Webhooks signature',
  },
  'POST /api/webhooks/cards/{issuer}/authorize': {
    notAResource: 'a card issuer name; public, authenticated by its Standard Webhooks signature',
  },
};

/** Routes that take no token. Every other route must refuse a missing or bad one with 401. */
const PUBLIC_ROUTES = [
  'GET /api/health/live',
  'GET /api/health',
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/consumer/onboard',
  'POST /api/webhooks/providers/{name}',
  // Twilio's status callbacks: authenticated by X-Twilio-Signature.
  'POST /api/webhooks/notifications/twilio',
  // SendGrid's event webhook: authenticated by its ECDSA signature (X-Twilio-Email-Event-Webhook-Signature).
  'POST /api/webhooks/notifications/sendgrid',
  // RFC 8058 one-click unsubscribe: authenticated by the link's signed token.
  'POST /api/notifications/unsubscribe',
  'POST /api/webhooks/kyc/{vendor}',
  // The bank rail's events: authenticated by X-Request-Signature-SHA-256.
  'POST /api/webhooks/bank/dwolla',
  // The card issuer's real-time authorizations and webhooks: authenticated by Standard Webhooks signatures.
  'POST /api/webhooks/cards/{issuer}',
  'POST /api/webhooks/cards/{issuer}/authorize',
  'POST /api/auth/2fa/challenge',
  'POST /api/auth/password/reset-request',
  'POST /api/auth/password/reset',
  // A development tool, like MailHog's inbox: not registered at all with NODE_ENV=production.
  'GET /api/dev/mailbox',
];

const OWNED = Object.entries(ID_ROUTES).filter(
  (entry): entry is [string, Extract<IdRouteRule, { owned: Resource }>] => 'owned' in entry[1],
);
const ADMIN = Object.entries(ID_ROUTES).filter(([, rule]) => 'admin' in rule);

describe('chaos: authorization matrix — bad tokens get 401 everywhere, foreign ids 404', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let routes: Route[];
  let alice: Customer;
  let bob: Customer;
  let carol: Customer;
  const started = Date.now();
  let checks = 0;

  beforeAll(async () => {
    t = await startTestApp({ RECURRING_REMINDER_LEAD_MS: '0' });
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    [alice, bob, carol] = [await onboard(t, 'alice'), await onboard(t, 'bob'), await onboard(t, 'carol')];
    await deposit(t, alice, '200.00');
    routes = routesOf((await t.http().get('/api/docs-json').expect(200)).body);
  }, 120_000);

  afterAll(async () => {
    recordSummary({
      scenario: 'authorization matrix',
      seconds: secondsSince(started),
      figures: { routes: routes?.length ?? 0, 'requests checked': checks },
    });
    await worker?.close();
    await t?.close();
  });

  const emailVerified = new Set<string>();

  /** Makes one resource of `owner`'s (alice's) and returns its id. */
  const create: Record<Resource, (owner: Customer) => Promise<string>> = {
    transfer: async (owner) => {
      const response = await t
        .http()
        .post('/api/p2p-transfer/send')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({ to: carol.email, amount: '1.00' })
        .expect(201);
      return response.body.transfer.id;
    },
    recurring: async (owner) => {
      const response = await t
        .http()
        .post('/api/recurring/create')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({
          to: carol.email,
          amount: '1.00',
          frequency: 'monthly',
          startAt: new Date(Date.now() + 86_400_000).toISOString(),
        })
        .expect(201);
      return response.body.recurring.id;
    },
    notification: async (owner) => {
      // A recurring transfer due now: its success notification is the owner's.
      await t
        .http()
        .post('/api/recurring/create')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({
          to: carol.email,
          amount: '1.00',
          frequency: 'daily',
          maxOccurrences: 1,
          startAt: new Date(Date.now() + 1_000).toISOString(),
        })
        .expect(201);
      return waitFor(
        'a notification for the owner',
        async () => {
          const response = await t.http().get('/api/notifications').set(auth(owner)).expect(200);
          return (response.body.notifications as Array<{ id: string; readAt: string | null }>).find(
            (n) => n.readAt === null,
          )?.id;
        },
        30_000,
      );
    },
    deposit: async (owner) => {
      const response = await t
        .http()
        .post('/api/consumer/deposit')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({ amount: '10.00', currency: 'USDC' });
      expect([201, 202]).toContain(response.status);
      return response.body.deposit.id;
    },
    withdrawal: async (owner) => {
      const response = await t
        .http()
        .post('/api/consumer/withdraw')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({ amount: '1.00', currency: 'USDC', destination: 'GB33BUKB20201555555555' });
      expect([201, 202]).toContain(response.status);
      return response.body.withdrawal.id;
    },
    session: async (owner) => {
      // Another sign-in of the owner's: ending it leaves the owner's own token working.
      const response = await t
        .http()
        .post('/api/auth/login')
        .send({ email: owner.email, password: 'correct-horse-battery' })
        .expect(200);
      const [, payload] = (response.body.accessToken as string).split('.');
      return (JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string }).sid;
    },
    swap: async (owner) => {
      const response = await t
        .http()
        .post('/api/consumer/swap')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({ from: 'USDC', to: 'USDT', amount: '2.00' });
      expect([201, 202]).toContain(response.status);
      return response.body.swap.id;
    },
    rule: async (owner) => {
      const response = await t
        .http()
        .post('/api/analytics/rules')
        .set(auth(owner))
        .send({ match: { noteContains: 'chaos' }, category: 'TRAVEL' })
        .expect(201);
      return response.body.rule.id;
    },
    device: async (owner) => {
      const response = await t
        .http()
        .post('/api/notifications/devices')
        .set(auth(owner))
        .send({ token: `fcm-chaos-${randomUUID()}`, platform: 'web' })
        .expect(201);
      return response.body.device.id;
    },
    monitor: async (owner) => {
      const response = await t
        .http()
        .post('/api/wallet/monitors')
        .set(auth(owner))
        .send({ currency: 'USDC', condition: 'below', threshold: '5.00' })
        .expect(201);
      return response.body.monitor.id;
    },
    contact: async (owner) => {
      const response = await t
        .http()
        .post('/api/contacts')
        .set(auth(owner))
        .send({ to: `0x${randomUUID().replace(/-/g, '').padEnd(40, '0')}` })
        .expect(201);
      return response.body.contact.id;
    },
    paymentRequest: async (owner) => {
      const response = await t
        .http()
        .post('/api/payment-requests')
        .set(auth(owner))
        .send({ from: carol.email, amount: '1.00' })
        .expect(201);
      return response.body.paymentRequest.id;
    },
    incomingRequest: async (owner) => {
      // Carol asks the owner to pay: the owner pays or declines it.
      const response = await t
        .http()
        .post('/api/payment-requests')
        .set(auth(carol))
        .send({ from: owner.email, amount: '1.00' })
        .expect(201);
      return response.body.paymentRequest.id;
    },
    invite: async (owner) => {
      const response = await t
        .http()
        .post('/api/p2p-transfer/send')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({ to: `invitee.${randomUUID()}@example.com`, amount: '1.00', inviteIfUnknown: true })
        .expect(202);
      return response.body.transfer.id;
    },
    bankAccount: async (owner) => {
      // A manually added account (the Verified tier, no identity needed): waiting for its micro-deposits.
      await raiseTier(t, owner, 2);
      const response = await t
        .http()
        .post('/api/bank-accounts')
        .set(auth(owner))
        .send({
          routingNumber: '011401533',
          accountNumber: String(Date.now()).slice(-12),
          type: 'checking',
          holderName: 'Chaos Owner',
        })
        .expect(201);
      return response.body.bankAccount.id;
    },
    verifiedBankAccount: async (owner) => {
      await raiseTier(t, owner, 2);
      if (!emailVerified.has(owner.userId)) {
        await verifyEmail(t, owner);
        emailVerified.add(owner.userId);
      }
      return verifiedAccount(t, owner, `Chaos ${randomUUID().slice(0, 8)}`);
    },
    bankTransfer: async (owner) => {
      // An ACH add-money from an account linked instantly (matched by the owner's verified email).
      await raiseTier(t, owner, 2);
      if (!emailVerified.has(owner.userId)) {
        await verifyEmail(t, owner);
        emailVerified.add(owner.userId);
      }
      const account = await verifiedAccount(t, owner, `Chaos ${randomUUID().slice(0, 8)}`);
      const response = await t
        .http()
        .post('/api/add-money/ach')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({ bankAccountId: account, amount: '10.00' })
        .expect(202);
      return response.body.transfer.id;
    },
    billPayment: async (owner) => {
      // A bill of the owner's (a payee with a fresh account number, then a payment: pending until its run).
      await raiseTier(t, owner, 2);
      const payee = await t
        .http()
        .post('/api/bill-pay/add')
        .set(auth(owner))
        .send({ billerId: 'blr_power', accountNumber: String(Date.now()).slice(-10), nickname: 'chaos' })
        .expect(201);
      const response = await t
        .http()
        .post('/api/bill-pay/pay')
        .set(auth(owner))
        .set('Idempotency-Key', randomUUID())
        .send({ payeeId: payee.body.payee.id, amount: '1.00', currency: 'USDC' })
        .expect(202);
      return response.body.payment.id;
    },
    card: async (owner) => {
      await raiseTier(t, owner, 2);
      const response = await t
        .http()
        .post('/api/card/virtual/create')
        .set(auth(owner))
        .send({ nickname: 'chaos' })
        .expect(201);
      return response.body.card.id;
    },
    transaction: async (owner) => {
      // A transfer, once analytics has it (the relay has projected it).
      const id = await create.transfer(owner);
      await t.app.get(OutboxRelay).drain();
      return id;
    },
  };

  async function send(
    method: string,
    path: string,
    token: string | undefined,
    body?: Record<string, unknown>,
  ) {
    checks += 1;
    const call = t.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](path);
    if (token !== undefined) call.set('Authorization', `Bearer ${token}`);
    return body ? call.send(body) : call;
  }

  it('knows every route with a path parameter and every public route the OpenAPI document lists', () => {
    const withParams = routes.filter((route) => route.pathParams.length > 0).map(routeName);
    const unknown = withParams.filter((name) => !(name in ID_ROUTES));
    const stale = Object.keys(ID_ROUTES).filter((name) => !withParams.includes(name));
    // A new id-taking route needs an entry in ID_ROUTES (and, if it serves a customer's resource, a creator).
    expect({ unknown, stale }).toEqual({ unknown: [], stale: [] });
    // The document and the matrix agree on which routes take no token.
    expect(
      routes
        .filter((route) => !route.bearer)
        .map(routeName)
        .sort(),
    ).toEqual([...PUBLIC_ROUTES].sort());
  });

  it.each(OWNED)(
    "%s: another customer's id answers 404, like an id that does not exist",
    async (name, rule) => {
      const route = routes.find((r) => routeName(r) === name);
      expect(route).toBeDefined();
      if (!route) return;
      const id = await create[rule.owned](alice);
      const path = fillPath(route.path, { id });
      const asBob = await send(route.method, path, bob.token, rule.body);
      const unknownId = await send(
        route.method,
        fillPath(route.path, { id: randomUUID() }),
        alice.token,
        rule.body,
      );
      expect(asBob.status).toBe(404);
      expect(isErrorEnvelope(asBob.body)).toBe(true);
      // Nothing tells "someone else's" from "no such thing".
      expect(unknownId.status).toBe(404);
      expect(asBob.body.error.code).toBe(unknownId.body.error.code);
      // Bob's attempt changed nothing: alice's own request still does what it says.
      const asAlice = await send(route.method, path, alice.token, rule.body);
      if (rule.ownerStatus !== undefined) {
        expect(asAlice.status).toBe(rule.ownerStatus);
        return;
      }
      expect(asAlice.status).toBeGreaterThanOrEqual(200);
      expect(asAlice.status).toBeLessThan(300);
      if (route.method !== 'GET' && !rule.once) {
        const again = await send(route.method, path, alice.token, rule.body);
        expect(again.status).toBeLessThan(300); // idempotent for the owner (pause, cancel, read)
      }
    },
    60_000,
  );

  it('a customer gets 403 on every admin route that takes an id, whatever the id', async () => {
    for (const [name] of ADMIN) {
      const route = routes.find((r) => routeName(r) === name);
      expect(route).toBeDefined();
      if (!route) continue;
      const path = fillPath(route.path, { id: randomUUID(), name: 'tempo' });
      const response = await send(route.method, path, bob.token, { mode: 'healthy' });
      expect([name, response.status, response.body?.error?.code]).toEqual([name, 403, 'FORBIDDEN']);
    }
  });

  it('every protected route refuses no token, a tampered, expired, alg:none or foreign-key token with 401', async () => {
    const tokens = badTokens(alice.token, t.env.JWT_ACCESS_SECRET ?? '');
    const protectedRoutes = routes.filter((route) => !PUBLIC_ROUTES.includes(routeName(route)));
    expect(protectedRoutes.length).toBeGreaterThan(30);
    const wrong: string[] = [];
    for (const route of protectedRoutes) {
      const path = fillPath(route.path, { id: randomUUID(), name: 'tempo' });
      for (const { name, token, code } of tokens) {
        const response = await send(route.method, path, token, route.method === 'GET' ? undefined : {});
        if (
          response.status !== 401 ||
          response.body?.error?.code !== code ||
          !isErrorEnvelope(response.body)
        ) {
          wrong.push(
            `${routeName(route)} with ${name}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
    // The same routes accept alice's real token (not 401): the refusals above are about the token alone.
    for (const route of protectedRoutes.filter((r) => r.method === 'GET')) {
      const response = await send(
        'GET',
        fillPath(route.path, { id: randomUUID(), name: 'tempo' }),
        alice.token,
      );
      expect([routeName(route), response.status === 401]).toEqual([routeName(route), false]);
    }
  }, 120_000);
});
