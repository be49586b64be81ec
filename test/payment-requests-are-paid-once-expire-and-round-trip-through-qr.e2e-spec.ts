import { randomUUID } from 'node:crypto';
import { OutboxRelay } from '#monay/shared';
import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { registerAdmin, type Admin } from './support/admin';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { inboxNotification } from './support/notifications';
import { advanceClock } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Payment requests and QR codes as clients use them: a request to one user paid once (also when two payments race),
 * an open request paid by two users, decline / cancel / remind, expiry by the sandbox clock; a receive QR code
 * scanned and paid, a tampered one refused; a request's link and QR image scanned and paid.
 */
describe('payment requests and QR codes', () => {
  let t: TestApp;
  let admin: Admin;
  let alice: Customer;
  let bob: Customer;
  let carol: Customer;
  let dave: Customer;

  beforeAll(async () => {
    t = await startTestApp({
      RECIPIENT_LOOKUP_LIMIT_PER_HOUR: '1000',
      PAY_LINK_BASE_URL: 'https://pay.monay.test',
    });
    admin = await registerAdmin(t);
    [alice, bob, carol, dave] = [
      await onboard(t, 'alice'),
      await onboard(t, 'bob'),
      await onboard(t, 'carol'),
      await onboard(t, 'dave'),
    ];
    await deposit(t, bob, '200.00');
    await deposit(t, carol, '50.00');
    await deposit(t, dave, '50.00');
  });
  afterAll(() => t?.close());

  const request = (from: Customer, body: Record<string, unknown>) =>
    t.http().post('/api/payment-requests').set(auth(from)).send(body);
  const pay = (payer: Customer, id: string, body: Record<string, unknown> = {}, key = randomUUID()) =>
    t.http().post(`/api/payment-requests/${id}/pay`).set(auth(payer)).set('Idempotency-Key', key).send(body);

  it('a request to one user: seen incoming, notified, paid once through a transfer, replayed by its key', async () => {
    const made = await request(alice, { from: bob.email, amount: '12.50', note: 'dinner' }).expect(201);
    const req = made.body.paymentRequest;
    expect(req).toMatchObject({
      direction: 'outgoing',
      open: false,
      status: 'requested',
      amount: '12.50',
      currency: 'USDC',
      paidAmount: '0.00',
      payer: { ref: bob.email },
      payments: [],
    });
    expect(req.shareLink).toMatch(/^https:\/\/pay\.monay\.test\/pay\/[A-Za-z0-9_-]{22}$/);

    const incoming = await t
      .http()
      .get('/api/payment-requests?direction=incoming')
      .set(auth(bob))
      .expect(200);
    expect(incoming.body.requests.map((r: { id: string }) => r.id)).toContain(req.id);
    const notified = await inboxNotification(t, auth(bob), 'payment_request.received');
    expect(notified.body).toContain('12.50 USDC');
    // Carol is neither requester nor payer: the request does not exist for her.
    await t.http().get(`/api/payment-requests/${req.id}`).set(auth(carol)).expect(404);
    expect((await pay(carol, req.id)).status).toBe(404);

    const key = randomUUID();
    const paid = await pay(bob, req.id, {}, key).expect(201);
    expect(paid.body.transfer).toMatchObject({ status: 'completed', amount: '12.50', currency: 'USDC' });
    expect(paid.body.paymentRequest).toMatchObject({ status: 'paid', paidAmount: '12.50' });
    expect(paid.body.paymentRequest.payments).toEqual([
      expect.objectContaining({ transferId: paid.body.transfer.id, amount: '12.50', byYou: true }),
    ]);
    const replay = await pay(bob, req.id, {}, key).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.transfer.id).toBe(paid.body.transfer.id);
    const again = await pay(bob, req.id).expect(409);
    expect(again.body.error.code).toBe('PAYMENT_REQUEST_CLOSED');
    // a fixed amount takes no other
    const other = await request(alice, { from: bob.email, amount: '1.00' }).expect(201);
    expect((await pay(bob, other.body.paymentRequest.id, { amount: '2.00' })).body.error.code).toBe(
      'PAYMENT_AMOUNT_MISMATCH',
    );

    expect((await balanceOf(t, alice))?.total).toBe('12.50');
    const tracked = await t.http().get(`/api/payment-requests/${req.id}`).set(auth(alice)).expect(200);
    expect(tracked.body.paymentRequest.payments).toEqual([
      expect.objectContaining({ transferId: paid.body.transfer.id, amount: '12.50', byYou: false }),
    ]);
    expect((await inboxNotification(t, auth(alice), 'payment_request.paid')).body).toContain('12.50 USDC');
    await expectBooksBalanced(t, [alice, bob]);
  });

  itRacesOnPostgres('two payments of one request at once: exactly one pays', async () => {
    const before = (await balanceOf(t, alice))?.total ?? '0.00';
    const made = await request(alice, { from: bob.email, amount: '10.00' }).expect(201);
    const id = made.body.paymentRequest.id as string;
    const responses = await Promise.all(Array.from({ length: 4 }, () => pay(bob, id)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    const after = (await balanceOf(t, alice))?.total ?? '0.00';
    expect(Number(after) * 100 - Number(before) * 100).toBe(1000);
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('an open request is paid by two users once each; one without an amount takes the payer’s', async () => {
    const open = await request(alice, { amount: '5.00', note: 'pizza' }).expect(201);
    const id = open.body.paymentRequest.id as string;
    expect(open.body.paymentRequest.open).toBe(true);
    await pay(carol, id).expect(201);
    const second = await pay(dave, id).expect(201);
    expect(second.body.paymentRequest).toMatchObject({ status: 'partially_paid', paidAmount: '10.00' });
    expect((await pay(carol, id)).body.error.code).toBe('PAYMENT_REQUEST_ALREADY_PAID');
    const view = await t.http().get(`/api/payment-requests/${id}`).set(auth(alice)).expect(200);
    expect(view.body.paymentRequest.payments).toHaveLength(2);

    const free = await request(alice, { currency: 'USDC' }).expect(201);
    const freeId = free.body.paymentRequest.id as string;
    expect((await pay(carol, freeId)).body.error.code).toBe('PAYMENT_AMOUNT_MISMATCH');
    const chosen = await pay(carol, freeId, { amount: '3.33' }).expect(201);
    expect(chosen.body.transfer.amount).toBe('3.33');
    // the requester closes it: it keeps what it was paid
    const closed = await t.http().post(`/api/payment-requests/${freeId}/cancel`).set(auth(alice)).expect(200);
    expect(closed.body.paymentRequest.status).toBe('paid');
    expect((await pay(dave, freeId, { amount: '1.00' })).body.error.code).toBe('PAYMENT_REQUEST_CLOSED');
    // a request to one user needs an amount
    expect((await request(alice, { from: bob.email })).status).toBe(400);
    await expectBooksBalanced(t, [alice, carol, dave]);
  });

  it('decline, cancel and remind: who may, and a reminder at most once a day', async () => {
    const made = await request(alice, { from: bob.email, amount: '2.00' }).expect(201);
    const id = made.body.paymentRequest.id as string;
    await t.http().post(`/api/payment-requests/${id}/remind`).set(auth(alice)).expect(200);
    const tooSoon = await t.http().post(`/api/payment-requests/${id}/remind`).set(auth(alice)).expect(429);
    expect(tooSoon.body.error.code).toBe('REMINDER_TOO_SOON');
    expect((await inboxNotification(t, auth(bob), 'payment_request.reminder')).body).toContain('2.00 USDC');
    await t.http().post(`/api/payment-requests/${id}/remind`).set(auth(bob)).expect(403);
    await t.http().post(`/api/payment-requests/${id}/cancel`).set(auth(bob)).expect(403);
    await t.http().post(`/api/payment-requests/${id}/decline`).set(auth(alice)).expect(403);
    await advanceClock(t, admin, 24 * 60 + 1);
    await t.http().post(`/api/payment-requests/${id}/remind`).set(auth(alice)).expect(200);
    const declined = await t.http().post(`/api/payment-requests/${id}/decline`).set(auth(bob)).expect(200);
    expect(declined.body.paymentRequest.status).toBe('declined');
    expect((await inboxNotification(t, auth(alice), 'payment_request.declined')).body).toContain('declined');
    expect((await pay(bob, id)).body.error.code).toBe('PAYMENT_REQUEST_CLOSED');
    const listed = await t
      .http()
      .get('/api/payment-requests?direction=outgoing&status=declined')
      .set(auth(alice))
      .expect(200);
    expect(listed.body.requests.map((r: { id: string }) => r.id)).toEqual([id]);
  });

  it('expires by the sandbox clock: unpaid requests close, their links scan as expired', async () => {
    const made = await request(alice, { from: bob.email, amount: '4.00', expiresIn: 3600 }).expect(201);
    const id = made.body.paymentRequest.id as string;
    await advanceClock(t, admin, 61);
    const view = await t.http().get(`/api/payment-requests/${id}`).set(auth(alice)).expect(200);
    expect(view.body.paymentRequest.status).toBe('expired');
    expect((await pay(bob, id)).body.error.code).toBe('PAYMENT_REQUEST_CLOSED');
    const scanned = await t
      .http()
      .post('/api/qr-code/scan')
      .set(auth(bob))
      .send({ payload: made.body.paymentRequest.shareLink })
      .expect(400);
    expect(scanned.body.error.code).toBe('QR_EXPIRED');
  });

  it('requests from a blocked user are dropped for the blocker; reminders to them are not sent', async () => {
    const erin = await onboard(t, 'erin');
    const made = await request(erin, { from: carol.email, amount: '1.00' }).expect(201);
    const id = made.body.paymentRequest.id as string;
    await t.http().post('/api/contacts').set(auth(carol)).send({ to: erin.email, blocked: true }).expect(201);
    const incoming = await t
      .http()
      .get('/api/payment-requests?direction=incoming')
      .set(auth(carol))
      .expect(200);
    expect(incoming.body.requests.map((r: { id: string }) => r.id)).not.toContain(id);
    await t.http().get(`/api/payment-requests/${id}`).set(auth(carol)).expect(404);
    await t.http().post(`/api/payment-requests/${id}/remind`).set(auth(erin)).expect(200);
    await t.app.get(OutboxRelay).drain();
    const inbox = await t.http().get('/api/notifications').set(auth(carol)).expect(200);
    // Carol was told of the request before she blocked Erin; never of the reminder after.
    expect(
      (inbox.body.notifications as Array<{ kind: string; data: { requestId?: string } }>)
        .filter((n) => n.data?.requestId === id)
        .map((n) => n.kind),
    ).toEqual(['payment_request.received']);
  });

  it('QR receive → scan → pay moves exactly the amount; a tampered code or an unknown format is refused', async () => {
    const receive = await t
      .http()
      .get('/api/qr-code/receive?amount=7.25&currency=USDC&note=coffee')
      .set(auth(alice))
      .expect(200);
    expect(receive.body.payload).toMatch(
      /^monay:[a-z2-9]{20}\?v=1&currency=USDC&amount=7.25&note=coffee&sig=/,
    );
    expect(receive.body.image.png).toMatch(/^data:image\/png;base64,/);
    expect(receive.body.image.svg).toContain('<svg');

    const before = (await balanceOf(t, alice))?.total as string;
    const scan = await t
      .http()
      .post('/api/qr-code/scan')
      .set(auth(bob))
      .send({ payload: receive.body.payload })
      .expect(200);
    expect(scan.body).toMatchObject({
      kind: 'receive',
      amount: '7.25',
      currency: 'USDC',
      stepUpRequired: false,
      note: 'coffee',
      pay: { method: 'POST', path: '/api/p2p-transfer/send' },
    });
    expect(scan.body.recipient.displayName).toMatch(/^monay:\*\*\*\*/);
    expect(JSON.stringify(scan.body)).not.toContain(alice.userId);
    // scanning moved nothing
    expect((await balanceOf(t, alice))?.total).toBe(before);
    await t
      .http()
      .post(scan.body.pay.path)
      .set(auth(bob))
      .set('Idempotency-Key', randomUUID())
      .send(scan.body.pay.body)
      .expect(201);
    expect(Number((await balanceOf(t, alice))?.total) * 100 - Number(before) * 100).toBe(725);

    const tampered = receive.body.payload.replace('amount=7.25', 'amount=0.25');
    const refused = await t
      .http()
      .post('/api/qr-code/scan')
      .set(auth(bob))
      .send({ payload: tampered })
      .expect(400);
    expect(refused.body.error.code).toBe('QR_SIGNATURE_INVALID');
    for (const payload of ['hello', 'https://example.com/nothing', 'ethereum:0x1234']) {
      const unknown = await t.http().post('/api/qr-code/scan').set(auth(bob)).send({ payload }).expect(400);
      expect(unknown.body.error.code).toBe('QR_FORMAT_UNKNOWN');
    }
    await t.http().get('/api/qr-code/receive?amount=-1').set(auth(alice)).expect(400);
    await expectBooksBalanced(t, [alice, bob]);
  });

  it('a request’s link and QR image scan into its payment, and EIP-681 URIs are read', async () => {
    const made = await request(alice, { amount: '6.00', note: 'tickets' }).expect(201);
    const req = made.body.paymentRequest;
    const png = await t
      .http()
      .get(`/api/payment-requests/${req.id}/qr`)
      .set(auth(alice))
      .buffer(true)
      .expect(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((png.body as Buffer).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const svg = await t
      .http()
      .get(`/api/payment-requests/${req.id}/qr?format=svg`)
      .set(auth(alice))
      .buffer(true)
      .expect(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');

    const scan = await t
      .http()
      .post('/api/qr-code/scan')
      .set(auth(dave))
      .send({ payload: req.shareLink })
      .expect(200);
    expect(scan.body).toMatchObject({
      kind: 'payment_request',
      amount: '6.00',
      paymentRequest: { id: req.id, note: 'tickets', open: true },
      pay: { path: `/api/payment-requests/${req.id}/pay` },
    });
    await t
      .http()
      .post(scan.body.pay.path)
      .set(auth(dave))
      .set('Idempotency-Key', randomUUID())
      .send({})
      .expect(201);
    const cancelled = await t
      .http()
      .post(`/api/payment-requests/${req.id}/cancel`)
      .set(auth(alice))
      .expect(200);
    expect(cancelled.body.paymentRequest.status).toBe('paid');
    const closed = await t
      .http()
      .post('/api/qr-code/scan')
      .set(auth(carol))
      .send({ payload: req.shareLink })
      .expect(400);
    expect(closed.body.error.code).toBe('QR_REQUEST_UNAVAILABLE');

    const to = '0x' + '5a'.repeat(20);
    const eip = await t
      .http()
      .post('/api/qr-code/scan')
      .set(auth(dave))
      .send({
        payload: `ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address=${to}&uint256=2500000`,
      })
      .expect(200);
    expect(eip.body).toMatchObject({
      kind: 'eip681',
      amount: '2.50',
      currency: 'USDC',
      recipient: { displayName: to },
      pay: { path: '/api/p2p-transfer/send', body: { to, amount: '2.50', currency: 'USDC' } },
    });
    await expectBooksBalanced(t, [alice, dave, carol]);
  });
});
