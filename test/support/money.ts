import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money, type CurrencyCode } from '#monay/kernel';
import { verifyLedger } from '#monay/ledger';
import { ProviderRouter, STABLECOIN_PROVIDERS, type StablecoinProvider } from '#monay/providers';
import { OutboxRelay } from '#monay/shared';
import { newUser, type TestApp } from './test-app';
import { waitFor } from './wait';

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

/**
 * Funds the customer's wallet with exactly `amount` through `POST /api/consumer/deposit`. Deposits go through
 * a provider that withholds its fee (Tempo 0.10 %), so this sends the gross amount that credits `amount`
 * with the fee of the provider the router would pick first, and checks that it did (waiting for the poller if
 * the provider had not confirmed it when the request answered).
 */
export async function deposit(
  t: TestApp,
  customer: Customer,
  amount: string,
  currency = 'USDC',
): Promise<void> {
  const net = Money.parse(amount, currency as CurrencyCode);
  const response = await t
    .http()
    .post('/api/consumer/deposit')
    .set(auth(customer))
    .set('Idempotency-Key', randomUUID())
    .send({ amount: grossDepositFor(t, net).toDecimalString(), currency });
  expect([201, 202]).toContain(response.status);
  let credited = response.body.credited as string | null;
  if (response.status === 202) {
    // Still processing at the provider (a short settle wait): the poller credits it.
    credited = await waitFor('the deposit to be credited', async () => {
      const got = await t
        .http()
        .get(`/api/consumer/deposits/${response.body.deposit.id}`)
        .set(auth(customer))
        .expect(200);
      return got.body.deposit.status === 'completed' ? (got.body.deposit.credited as string) : undefined;
    });
  }
  expect(credited).toBe(net.toDecimalString());
}

/** What to send so that the first provider the router would use for a deposit credits exactly `net`. */
export function grossDepositFor(t: TestApp, net: Money): Money {
  const plan = t.app
    .get(ProviderRouter)
    .plan({ operation: 'deposit', currency: net.currency.code, amount: net, urgency: 'standard' });
  const provider = (t.app.get(STABLECOIN_PROVIDERS) as StablecoinProvider[]).find(
    (candidate) => candidate.name === plan.candidates[0],
  );
  if (!provider) throw new Error(`no provider can take a ${net.currency.code} deposit`);
  const credited = (gross: bigint) =>
    gross - provider.estimate('deposit', Money.of(gross, net.currency.code)).fee;
  let gross = net.minor + provider.estimate('deposit', net).fee;
  while (credited(gross) < net.minor) gross += 1n;
  while (credited(gross - 1n) >= net.minor && gross > net.minor) gross -= 1n;
  if (credited(gross) !== net.minor) throw new Error(`no deposit credits exactly ${net.toDecimalString()}`);
  return Money.of(gross, net.currency.code);
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
