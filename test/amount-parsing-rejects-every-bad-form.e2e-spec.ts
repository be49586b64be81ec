import { randomUUID } from 'node:crypto';
import { auth, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

describe('amount parsing rejects every bad form with 400, naming the field', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob] = [await onboard(t, 'alice'), await onboard(t, 'bob')];
  });
  afterAll(() => t.close());

  it.each<[string, unknown]>([
    ['negative', '-5.00'],
    ['zero', '0'],
    ['zero as a number', 0],
    ['NaN', 'NaN'],
    ['exponent form', '1e3'],
    ['too many decimals', '1.0000001'],
    ['beyond 2^63 minor units', '9223372036855'],
    ['non-numeric', 'ten dollars'],
    ['an array', ['1.00']],
    ['an object', { value: '1.00' }],
    ['a boolean', true],
    ['null', null],
    ['an empty string', ''],
    ['a hex string', '0x10'],
    ['a huge JSON number', 1e21],
  ])('%s', async (_case, amount) => {
    for (const route of ['/api/p2p-transfer/send', '/api/consumer/transfer', '/api/consumer/deposit']) {
      const response = await t
        .http()
        .post(route)
        .set(auth(alice))
        .set('Idempotency-Key', randomUUID())
        .send(route.endsWith('deposit') ? { amount } : { to: bob.email, amount });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain('amount');
    }
  });

  it('applies the currency’s own scale', async () => {
    await t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '1.123456', currency: 'USDC' })
      .expect(201);
    const response = await t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: '1.00', currency: 'DOGE' })
      .expect(400);
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toContain('currency');
  });

  /** A body sent exactly as written: supertest would re-serialise an object through JSON.stringify. */
  const rawDeposit = (json: string) =>
    t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .set('Content-Type', 'application/json')
      .send(json);

  it.each<[string, string, string]>([
    [
      'more decimals than a double keeps',
      '1.0000000000000001',
      'amount must have at most 6 decimal places for USDC',
    ],
    [
      'more decimals than the currency has',
      '1.0000001',
      'amount must have at most 6 decimal places for USDC',
    ],
    ['an exponent', '1e2', 'amount must not use exponent notation'],
    ['an exponent that rounds to a plain integer', '1.5E1', 'amount must not use exponent notation'],
    ['negative zero', '-0', 'amount must not be negative'],
  ])('refuses a JSON number with %s, read as the client wrote it', async (_case, number, problem) => {
    const response = await rawDeposit(`{"amount": ${number}}`).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.fields).toEqual([{ field: 'amount', problems: [problem] }]);
  });

  it('reads a JSON number inside a batch from its source text too', async () => {
    const response = await t
      .http()
      .post('/api/consumer/batch-transfer')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .set('Content-Type', 'application/json')
      .send(`{"recipients": [{"to": "${bob.email}", "amount": 1.0000000000000001}]}`)
      .expect(400);
    expect(response.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      'recipients.0.amount',
    ]);
  });

  it('accepts exact JSON numbers as the decimals they spell, and other numeric fields stay numbers', async () => {
    expect((await rawDeposit('{"amount": 12.50}').expect(201)).body.amount).toBe('12.50');
    const schedule = await t
      .http()
      .post('/api/recurring/create')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .set('Content-Type', 'application/json')
      .send(
        `{"to": "${bob.email}", "amount": 2.5, "frequency": "weekly", "maxOccurrences": 3, ` +
          `"startAt": "${new Date(Date.now() + 86_400_000).toISOString()}"}`,
      )
      .expect(201);
    expect(schedule.body.recurring).toMatchObject({ amount: '2.50', maxOccurrences: 3 });
  });

  it('accepts a JSON number with an exact decimal form', async () => {
    const response = await t
      .http()
      .post('/api/consumer/deposit')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ amount: 12.5 })
      .expect(201);
    expect(response.body.amount).toBe('12.50');
  });
});
