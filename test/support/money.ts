import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { verifyLedger } from '#monay/ledger';
import { OutboxRelay } from '#monay/shared';
import { newUser, type TestApp } from './test-app';

export interface Customer {
  userId: string;
  email: string;
  address: string;
  token: string;
}

export async function onboard(t: TestApp, prefix = 'customer'): Promise<Customer> {
  const user = newUser(prefix);
  const response = await t.http().post('/api/consumer/onboard').send(user).expect(201);
  return {
    userId: response.body.user.id,
    email: user.email,
    address: response.body.wallet.address,
    token: response.body.accessToken,
  };
}

export function auth(customer: Customer): { Authorization: string } {
  return { Authorization: `Bearer ${customer.token}` };
}

export async function deposit(
  t: TestApp,
  customer: Customer,
  amount: string,
  currency = 'USDC',
): Promise<void> {
  await t
    .http()
    .post('/api/consumer/deposit')
    .set(auth(customer))
    .set('Idempotency-Key', randomUUID())
    .send({ amount, currency })
    .expect(201);
}

export async function balanceOf(t: TestApp, customer: Customer, currency = 'USDC') {
  const response = await t.http().get('/api/wallet/balance').set(auth(customer)).expect(200);
  return (
    response.body.balances as Array<{ currency: string; available: string; pending: string; total: string }>
  ).find((b) => b.currency === currency);
}

/**
 * The checks that close every money scenario: the ledger's invariants hold, and once the relay has
 * published everything, each customer's portfolio read model equals their ledger balances.
 */
export async function expectBooksBalanced(t: TestApp, customers: Customer[]): Promise<void> {
  const report = await verifyLedger(t.app.get(DataSource).manager);
  expect(report.breaches).toEqual([]);
  expect(report.ok).toBe(true);
  await t.app.get(OutboxRelay).drain();
  for (const customer of customers) {
    const [balance, portfolio] = await Promise.all([
      t.http().get('/api/wallet/balance').set(auth(customer)).expect(200),
      t.http().get('/api/consumer/portfolio').set(auth(customer)).expect(200),
    ]);
    const ledger = (balance.body.balances as Array<{ currency: string; total: string }>).map((b) => [
      b.currency,
      b.total,
    ]);
    const projected = (portfolio.body.breakdown as Array<{ currency: string; total: string }>).map((b) => [
      b.currency,
      b.total,
    ]);
    expect(projected).toEqual(ledger);
    expect(portfolio.body.totalUSD).toBe(balance.body.totalUSD);
  }
}
