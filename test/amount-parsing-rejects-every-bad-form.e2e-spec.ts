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
