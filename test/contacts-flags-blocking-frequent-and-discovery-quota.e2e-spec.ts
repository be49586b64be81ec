import { randomUUID } from 'node:crypto';
import { itRacesOnPostgres } from '../libs/shared/src/testing';
import { auth, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { newUser, startTestApp, type TestApp } from './support/test-app';

/**
 * Contacts as a client uses them: saved with flags, listed page by page, filtered and searched; the recipients paid
 * most; blocking (a blocked user is told only what an unknown recipient is told); and address-book discovery, which
 * matches only users who allow it and is held to a daily quota.
 */
describe('contacts: flags, blocking, frequent recipients and discovery', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let carol: Customer;
  let dave: Customer;

  beforeAll(async () => {
    t = await startTestApp({ CONTACT_DISCOVERY_DAILY_LIMIT: '6', RECIPIENT_LOOKUP_LIMIT_PER_HOUR: '1000' });
    [alice, bob, carol, dave] = [
      await onboard(t, 'alice'),
      await onboard(t, 'bob'),
      await onboard(t, 'carol'),
      await onboard(t, 'dave'),
    ];
    await deposit(t, alice, '500.00');
  });
  afterAll(() => t?.close());

  const send = (from: Customer, to: string, amount: string) =>
    t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(from))
      .set('Idempotency-Key', randomUUID())
      .send({ to, amount, currency: 'USDC' });

  it('saves, lists (paginated, filtered, searched), updates and deletes contacts; another user’s id is 404', async () => {
    const bobContact = await t
      .http()
      .post('/api/contacts')
      .set(auth(alice))
      .send({ to: bob.email, nickname: 'Bob Builder', favourite: true })
      .expect(201);
    expect(bobContact.body.contact).toMatchObject({
      kind: 'user',
      ref: bob.email,
      nickname: 'Bob Builder',
      favourite: true,
      trusted: false,
      blocked: false,
    });
    expect(JSON.stringify(bobContact.body)).not.toContain(bob.userId);
    await t
      .http()
      .post('/api/contacts')
      .set(auth(alice))
      .send({ to: carol.address, nickname: 'Carol' })
      .expect(201);
    const external = await t
      .http()
      .post('/api/contacts')
      .set(auth(alice))
      .send({ to: '0x' + 'AB'.repeat(20), nickname: 'Cold wallet', trusted: true })
      .expect(201);
    expect(external.body.contact).toMatchObject({
      kind: 'external',
      ref: '0x' + 'AB'.repeat(20),
      trusted: true,
    });

    // the same user again, under another name: 409
    const duplicate = await t
      .http()
      .post('/api/contacts')
      .set(auth(alice))
      .send({ to: bob.address })
      .expect(409);
    expect(duplicate.body.error.code).toBe('CONTACT_EXISTS');
    // nobody by that email: 404 as a send would say
    const unknown = await t
      .http()
      .post('/api/contacts')
      .set(auth(alice))
      .send({ to: `nobody.${randomUUID()}@example.com` })
      .expect(404);
    expect(unknown.body.error.code).toBe('RECIPIENT_NOT_FOUND');

    // pages of one, newest first, to the end
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { contacts: Array<{ nickname: string }>; nextCursor: string | null } } = await t
        .http()
        .get('/api/contacts')
        .query({ limit: 1, ...(cursor && { cursor }) })
        .set(auth(alice))
        .expect(200);
      seen.push(...(page.body.contacts as Array<{ nickname: string }>).map((c) => c.nickname));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Cold wallet', 'Carol', 'Bob Builder']);

    const favourites = await t.http().get('/api/contacts?flag=favourite').set(auth(alice)).expect(200);
    expect(favourites.body.contacts.map((c: { nickname: string }) => c.nickname)).toEqual(['Bob Builder']);
    const searched = await t.http().get('/api/contacts?search=build').set(auth(alice)).expect(200);
    expect(searched.body.contacts.map((c: { nickname: string }) => c.nickname)).toEqual(['Bob Builder']);
    await t.http().get('/api/contacts?flag=enemy').set(auth(alice)).expect(400);
    await t.http().get('/api/contacts?cursor=AAAAAAAAAAAA').set(auth(alice)).expect(400);

    const id = bobContact.body.contact.id as string;
    const updated = await t
      .http()
      .put(`/api/contacts/${id}`)
      .set(auth(alice))
      .send({ nickname: 'Bobby', trusted: true })
      .expect(200);
    expect(updated.body.contact).toMatchObject({ nickname: 'Bobby', favourite: true, trusted: true });
    const trusted = await t.http().get('/api/contacts?flag=trusted').set(auth(alice)).expect(200);
    expect(trusted.body.contacts.map((c: { nickname: string }) => c.nickname).sort()).toEqual([
      'Bobby',
      'Cold wallet',
    ]);

    // Bob's view of Alice's contact: it does not exist
    await t.http().get(`/api/contacts/${id}`).set(auth(bob)).expect(404);
    await t.http().put(`/api/contacts/${id}`).set(auth(bob)).send({ nickname: 'x' }).expect(404);
    await t.http().delete(`/api/contacts/${id}`).set(auth(bob)).expect(404);
    await t.http().get('/api/contacts/not-a-uuid').set(auth(alice)).expect(404);

    await t.http().delete(`/api/contacts/${id}`).set(auth(alice)).expect(200);
    await t.http().get(`/api/contacts/${id}`).set(auth(alice)).expect(404);
  });

  it('ranks the recipients paid most in the last 90 days by real transfers, saved or not', async () => {
    const fresh = await onboard(t, 'payer');
    await deposit(t, fresh, '300.00');
    for (let i = 0; i < 3; i += 1) expect((await send(fresh, carol.email, '1.00')).status).toBe(201);
    expect((await send(fresh, bob.address, '100.00')).status).toBe(201);
    expect((await send(fresh, dave.email, '2.00')).status).toBe(201);
    // a refused transfer is not a payment
    expect((await send(fresh, dave.email, '250.00')).status).toBe(422);
    await t
      .http()
      .post('/api/contacts')
      .set(auth(fresh))
      .send({ to: dave.email, nickname: 'Dave' })
      .expect(201);

    const frequent = await t.http().get('/api/contacts/frequent').set(auth(fresh)).expect(200);
    expect(frequent.body.recipients).toEqual([
      expect.objectContaining({
        ref: carol.email,
        contactId: null,
        count: 3,
        totals: [{ currency: 'USDC', amount: '3.00' }],
      }),
      expect.objectContaining({
        ref: bob.address,
        count: 1,
        totals: [{ currency: 'USDC', amount: '100.00' }],
      }),
      expect.objectContaining({
        displayName: 'Dave',
        count: 1,
        totals: [{ currency: 'USDC', amount: '2.00' }],
      }),
    ]);
    expect(JSON.stringify(frequent.body)).not.toContain(carol.userId);
    const top = await t.http().get('/api/contacts/frequent?limit=1').set(auth(fresh)).expect(200);
    expect(top.body.recipients).toHaveLength(1);
    await t.http().get('/api/contacts/frequent?limit=0').set(auth(fresh)).expect(400);
    await expectBooksBalanced(t, [fresh, carol, bob, dave]);
  });

  it('a blocked user is answered as an unknown recipient: no payment, no request, no contact, no lookup', async () => {
    const erin = await onboard(t, 'erin');
    await deposit(t, erin, '20.00');
    // Bob blocks Erin (saving her as a blocked contact).
    await t.http().post('/api/contacts').set(auth(bob)).send({ to: erin.email, blocked: true }).expect(201);

    const nobody = `nobody.${randomUUID()}@example.com`;
    const [toBob, toNobody] = [await send(erin, bob.email, '5.00'), await send(erin, nobody, '5.00')];
    expect(toBob.status).toBe(404);
    expect(toNobody.status).toBe(404);
    expect(toBob.body.error.code).toBe(toNobody.body.error.code);
    expect(toBob.body.error.message).toBe(toNobody.body.error.message);

    const request = await t
      .http()
      .post('/api/payment-requests')
      .set(auth(erin))
      .send({ from: bob.email, amount: '5.00' })
      .expect(404);
    expect(request.body.error.code).toBe('RECIPIENT_NOT_FOUND');
    await t.http().post('/api/contacts').set(auth(erin)).send({ to: bob.address }).expect(404);
    const validate = await t
      .http()
      .post('/api/p2p-transfer/validate')
      .set(auth(erin))
      .send({ to: bob.email, amount: '5.00' })
      .expect(200);
    expect(validate.body.checks.recipientFound).toBe(false);
    // Bob can still pay Erin: the block is his.
    await deposit(t, bob, '3.00');
    expect((await send(bob, erin.email, '1.00')).status).toBe(201);

    // Unblocked: Erin's payment goes through.
    const contacts = await t.http().get('/api/contacts?flag=blocked').set(auth(bob)).expect(200);
    const blocked = contacts.body.contacts[0];
    expect(blocked.ref).toBe(erin.email);
    await t.http().put(`/api/contacts/${blocked.id}`).set(auth(bob)).send({ blocked: false }).expect(200);
    expect((await send(erin, bob.email, '5.00')).status).toBe(201);
    await expectBooksBalanced(t, [erin, bob]);
  });

  it('import matches only users who allow discovery, never stores the book, and holds the daily quota', async () => {
    const phoneUser = newUser('frank');
    const frank = await t
      .http()
      .post('/api/consumer/onboard')
      .send({ ...phoneUser, phone: '+14155552671' })
      .expect(201);
    const frankAuth = { Authorization: `Bearer ${frank.body.accessToken}` };
    const gina = await onboard(t, 'gina');
    // Carol and Frank allow discovery; Gina and Dave do not (the default is off).
    expect(
      (await t.http().get('/api/contacts/discovery').set(auth(gina)).expect(200)).body.discoverable,
    ).toBe(false);
    await t.http().put('/api/contacts/discovery').set(auth(carol)).send({ discoverable: true }).expect(200);
    await t.http().put('/api/contacts/discovery').set(frankAuth).send({ discoverable: true }).expect(200);

    const importer = await onboard(t, 'importer');
    const first = await t
      .http()
      .post('/api/contacts/import')
      .set(auth(importer))
      .send({
        defaultCountry: 'us',
        entries: [
          { name: 'Carol', emails: [`  ${carol.email.toUpperCase()} `] },
          { name: 'Frank', phones: ['(415) 555-2671'] },
          { name: 'Gina', emails: [gina.email] },
          { name: 'Dave', emails: [dave.email], phones: ['not a phone'] },
        ],
      })
      .expect(200);
    expect(first.body.matches).toEqual([
      { index: 0, name: 'Carol', ref: carol.email, displayName: expect.any(String), saved: false },
      { index: 1, name: 'Frank', ref: '+14155552671', displayName: '+1 *** *** 2671', saved: false },
    ]);
    expect(first.body.quota).toEqual({ limit: 6, used: 4, remaining: 2 });
    expect(JSON.stringify(first.body)).not.toContain(carol.userId);

    // A match becomes a contact when the user saves it.
    await t
      .http()
      .post('/api/contacts')
      .set(auth(importer))
      .send({ to: '+14155552671', nickname: 'Frank' })
      .expect(201);

    // 3 more entries would pass 6 a day: refused whole, nothing looked up.
    const over = await t
      .http()
      .post('/api/contacts/import')
      .set(auth(importer))
      .send({ entries: [{ name: 'a' }, { name: 'b' }, { name: 'c', emails: [carol.email] }] })
      .expect(429);
    expect(over.body.error.code).toBe('DISCOVERY_QUOTA_EXCEEDED');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    const rest = await t
      .http()
      .post('/api/contacts/import')
      .set(auth(importer))
      .send({ entries: [{ name: 'Frank again', phones: ['+1 415 555 2671'] }, { name: 'x' }] })
      .expect(200);
    expect(rest.body.matches).toEqual([expect.objectContaining({ name: 'Frank again', saved: true })]);
    expect(rest.body.quota).toEqual({ limit: 6, used: 6, remaining: 0 });
    await t
      .http()
      .post('/api/contacts/import')
      .set(auth(importer))
      .send({ entries: [{ name: 'y' }] })
      .expect(429);

    // A discoverable user who blocked the importer is not matched either.
    await t
      .http()
      .post('/api/contacts')
      .set(auth(carol))
      .send({ to: alice.email, blocked: true })
      .expect(201);
    const blockedImport = await t
      .http()
      .post('/api/contacts/import')
      .set(auth(alice))
      .send({ entries: [{ name: 'Carol', emails: [carol.email] }] })
      .expect(200);
    expect(blockedImport.body.matches).toEqual([]);

    const tooMany = await t
      .http()
      .post('/api/contacts/import')
      .set(auth(alice))
      .send({ entries: Array.from({ length: 1001 }, (_, i) => ({ name: `n${i}` })) })
      .expect(400);
    expect(tooMany.body.error.code).toBe('VALIDATION_FAILED');
  });
  itRacesOnPostgres('imports racing for the daily quota never pass it together', async () => {
    const racer = await onboard(t, 'racer');
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        t
          .http()
          .post('/api/contacts/import')
          .set(auth(racer))
          .send({ entries: [{ name: `a${i}` }, { name: `b${i}` }] }),
      ),
    );
    // 6 entries a day, 2 per import: exactly 3 imports get through.
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
  });
});
