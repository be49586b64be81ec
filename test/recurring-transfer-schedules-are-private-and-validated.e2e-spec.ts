import { randomUUID } from 'node:crypto';
import { auth, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

const DAY_MS = 86_400_000;

/** A calendar date `days` from now, as "YYYY-MM-DD" (UTC). */
function dateIn(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

describe('recurring transfers: terms, validation, privacy, listing', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let eve: Customer;
  let aliceScheduleId: string;

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob, eve] = [await onboard(t, 'alice'), await onboard(t, 'bob'), await onboard(t, 'eve')];
  });
  afterAll(() => t.close());

  const later = () => new Date(Date.now() + 3 * DAY_MS).toISOString();

  it('creates a schedule and answers with its terms and first run', async () => {
    const day = dateIn(40);
    const response = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({
        to: bob.email,
        amount: '25.5',
        currency: 'EURC',
        frequency: 'monthly',
        startAt: `${day}T09:00`,
        endAt: `${dateIn(400)}T00:00:00Z`,
        maxOccurrences: 12,
        note: 'allowance',
        timezone: 'Europe/Paris',
      })
      .expect(201);
    const { recurring } = response.body;
    aliceScheduleId = recurring.id;
    // 09:00 in Paris is 07:00 or 08:00 UTC, depending on daylight saving time on that day.
    expect(['07', '08']).toContain(recurring.startAt.slice(11, 13));
    expect(recurring.startAt.slice(0, 10)).toBe(day);
    expect(response.body).toEqual({
      success: true,
      recurring: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'active',
        to: bob.email,
        amount: '25.50',
        currency: 'EURC',
        frequency: 'monthly',
        startAt: recurring.startAt,
        endAt: `${dateIn(400)}T00:00:00.000Z`,
        maxOccurrences: 12,
        timezone: 'Europe/Paris',
        nextRunAt: recurring.startAt,
        occurrencesRun: 0,
        note: 'allowance',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    const shown = await t.http().get(`/api/recurring/${recurring.id}`).set(auth(alice)).expect(200);
    expect(shown.body).toEqual({ success: true, recurring, executions: [] });
  });

  const valid = () => ({ to: bob.email, amount: '1.00', frequency: 'daily', startAt: later() });
  it.each([
    [
      'a start more than a minute in the past',
      { startAt: new Date(Date.now() - 120_000).toISOString() },
      'startAt',
    ],
    ['a start that is not a date', { startAt: 'tomorrow' }, 'startAt'],
    ['February 30th', { startAt: '2031-02-30T09:00:00Z' }, 'startAt'],
    ['an end before the start', { endAt: new Date(Date.now() + DAY_MS).toISOString() }, 'endAt'],
    [
      'an end equal to the start',
      { startAt: '2031-01-01T09:00:00Z', endAt: '2031-01-01T09:00:00Z' },
      'endAt',
    ],
    ['zero occurrences', { maxOccurrences: 0 }, 'maxOccurrences'],
    ['1001 occurrences', { maxOccurrences: 1001 }, 'maxOccurrences'],
    ['a fractional count', { maxOccurrences: 2.5 }, 'maxOccurrences'],
    ['a count as a string', { maxOccurrences: '3' }, 'maxOccurrences'],
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    ['an offset instead of a time zone', { timezone: '+02:00' }, 'timezone'],
    ['an unknown frequency', { frequency: 'hourly' }, 'frequency'],
    ['a negative amount', { amount: '-1.00' }, 'amount'],
    ['a zero amount', { amount: '0' }, 'amount'],
    ['too many decimals', { amount: '1.0000001' }, 'amount'],
    ['a float-looking exponent', { amount: '1e3' }, 'amount'],
    ['an unknown currency', { currency: 'BTC' }, 'currency'],
    ['no recipient', { to: undefined }, 'to'],
    ['an unknown field', { interval: 3 }, 'interval'],
  ])('refuses %s with 400 naming the field', async (_case, change, field) => {
    const response = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ ...valid(), ...change })
      .expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('refuses an unknown recipient with 404 RECIPIENT_NOT_FOUND and yourself with 422 SELF_TRANSFER', async () => {
    const unknown = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ ...valid(), to: 'ghost@example.com' })
      .expect(404);
    expect(unknown.body.error.code).toBe('RECIPIENT_NOT_FOUND');
    const self = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ ...valid(), to: alice.address })
      .expect(422);
    expect(self.body.error.code).toBe('SELF_TRANSFER');
  });

  it('answers 404 for another user’s schedule, an unknown id and a malformed id', async () => {
    for (const request of [
      t.http().get(`/api/recurring/${aliceScheduleId}`),
      t.http().put(`/api/recurring/${aliceScheduleId}`).send({ status: 'paused' }),
      t.http().delete(`/api/recurring/${aliceScheduleId}`),
    ]) {
      const response = await request.set(auth(eve)).expect(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
    await t.http().get(`/api/recurring/${randomUUID()}`).set(auth(alice)).expect(404);
    await t.http().get('/api/recurring/not-a-uuid').set(auth(alice)).expect(404);
    await t.http().delete('/api/recurring/12345').set(auth(alice)).expect(404);
    const mine = await t.http().get(`/api/recurring/${aliceScheduleId}`).set(auth(alice)).expect(200);
    expect(mine.body.recurring.status).toBe('active');
    await t.http().get('/api/recurring/list').expect(401);
  });

  it('changes the amount, the terms and the note, and replans the next run', async () => {
    const startAt = new Date(Date.now() + 2 * DAY_MS).toISOString();
    const response = await t
      .http()
      .put(`/api/recurring/${aliceScheduleId}`)
      .set(auth(alice))
      .send({ amount: '30', frequency: 'weekly', startAt, timezone: 'UTC', endAt: null, note: null })
      .expect(200);
    expect(response.body.recurring).toMatchObject({
      id: aliceScheduleId,
      status: 'active',
      amount: '30.00',
      currency: 'EURC',
      frequency: 'weekly',
      startAt,
      endAt: null,
      maxOccurrences: 12,
      timezone: 'UTC',
      nextRunAt: startAt,
      note: null,
    });
    for (const body of [
      { status: 'cancelled' },
      { amount: '0' },
      { endAt: new Date(Date.now() + DAY_MS).toISOString() },
      { timezone: 'Nowhere/Special' },
    ]) {
      const refused = await t
        .http()
        .put(`/api/recurring/${aliceScheduleId}`)
        .set(auth(alice))
        .send(body)
        .expect(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    }
    const paused = await t
      .http()
      .put(`/api/recurring/${aliceScheduleId}`)
      .set(auth(alice))
      .send({ status: 'paused' })
      .expect(200);
    expect(paused.body.recurring).toMatchObject({ status: 'paused', nextRunAt: null, amount: '30.00' });
    const resumed = await t
      .http()
      .put(`/api/recurring/${aliceScheduleId}`)
      .set(auth(alice))
      .send({ status: 'active' })
      .expect(200);
    expect(resumed.body.recurring).toMatchObject({ status: 'active', nextRunAt: startAt });
  });

  it('lists only the user’s own schedules, newest first, page by page', async () => {
    const created: string[] = [];
    for (const amount of ['1.00', '2.00', '3.00']) {
      const response = await t
        .http()
        .post('/api/recurring/create')
        .set(auth(bob))
        .set('Idempotency-Key', randomUUID())
        .send({ to: alice.email, amount, frequency: 'biweekly', startAt: later() })
        .expect(201);
      created.push(response.body.recurring.id);
    }
    const first = await t.http().get('/api/recurring/list?limit=2').set(auth(bob)).expect(200);
    expect(first.body.recurring.map((r: { id: string }) => r.id)).toEqual([created[2], created[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t
      .http()
      .get(`/api/recurring/list?limit=2&cursor=${first.body.nextCursor}`)
      .set(auth(bob))
      .expect(200);
    expect(second.body.recurring.map((r: { id: string }) => r.id)).toEqual([created[0]]);
    expect(second.body.nextCursor).toBeNull();
    const eves = await t.http().get('/api/recurring/list').set(auth(eve)).expect(200);
    expect(eves.body).toEqual({ success: true, recurring: [], nextCursor: null });
    await t.http().get('/api/recurring/list?limit=500').set(auth(bob)).expect(400);
  });

  it('refuses a create without an Idempotency-Key (a schedule pays on every occurrence) and creates nothing', async () => {
    const payer = await onboard(t, 'keyless');
    const body = { to: bob.email, amount: '4.00', frequency: 'weekly', startAt: later() };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const refused = await t.http().post('/api/recurring/create').set(auth(payer)).send(body).expect(400);
      expect(refused.body.error.code).toBe('IDEMPOTENCY_KEY_REQUIRED');
    }
    const none = await t.http().get('/api/recurring/list').set(auth(payer)).expect(200);
    expect(none.body.recurring).toEqual([]);

    // The body's idempotencyKey is accepted as on the other money routes, and a retry replays the first answer.
    const key = randomUUID();
    const first = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(payer))
      .send({ ...body, idempotencyKey: key })
      .expect(201);
    const retried = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(payer))
      .send({ ...body, idempotencyKey: key })
      .expect(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(first.body);
    const one = await t.http().get('/api/recurring/list').set(auth(payer)).expect(200);
    expect(one.body.recurring.map((r: { id: string }) => r.id)).toEqual([first.body.recurring.id]);
  });

  it('creates once per Idempotency-Key', async () => {
    const key = randomUUID();
    const body = { to: bob.email, amount: '4.00', frequency: 'weekly', startAt: later() };
    const first = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(eve))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    const again = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(eve))
      .set('Idempotency-Key', key)
      .send(body)
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const reused = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(eve))
      .set('Idempotency-Key', key)
      .send({ ...body, amount: '5.00' })
      .expect(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const list = await t.http().get('/api/recurring/list').set(auth(eve)).expect(200);
    expect(list.body.recurring).toHaveLength(1);
  });
});
