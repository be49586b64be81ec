import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Money, type CurrencyCode } from '#monay/kernel';
import { LedgerService } from '#monay/ledger';
import { STABLECOIN_PROVIDERS, type StablecoinProvider } from '#monay/providers';
import { auth, type Customer } from './money';
import type { TestApp } from './test-app';

export interface QuoteView {
  quoteId: string;
  from: CurrencyCode;
  to: CurrencyCode;
  amount: string;
  rate: string;
  fee: string;
  amountOut: string;
  expiresAt: string;
  provider: string;
}

export function quoteSwap(
  t: TestApp,
  customer: Customer,
  query: { from: string; to: string; amount: string },
) {
  return t.http().get('/api/consumer/swap/quote').query(query).set(auth(customer));
}

/** A quote that must be given (200); its view. */
export async function quoted(
  t: TestApp,
  customer: Customer,
  query: { from: string; to: string; amount: string },
): Promise<QuoteView> {
  const response = await quoteSwap(t, customer, query);
  if (response.status !== 200) {
    throw new Error(`the quote answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  expect(response.body.success).toBe(true);
  return response.body.quote as QuoteView;
}

export function swapRequest(
  t: TestApp,
  customer: Customer,
  body: Record<string, unknown>,
  key: string = randomUUID(),
) {
  return t.http().post('/api/consumer/swap').set(auth(customer)).set('Idempotency-Key', key).send(body);
}

/**
 * What a quote must deliver, computed here from its decimal strings with bigint arithmetic only (independent of
 * the app's Money.convert): the user's U = floor((amount − fee) × rate) and the provider's
 * P = round-half-up((amount − fee) × rate), in minor units of `to`.
 */
export function expectedDelivery(quote: Pick<QuoteView, 'amount' | 'fee' | 'rate' | 'from' | 'to'>): {
  userOut: bigint;
  providerOut: bigint;
} {
  const fromScale = Money.zero(quote.from).currency.scale;
  const toScale = Money.zero(quote.to).currency.scale;
  const minor = (decimal: string, scale: number) => {
    const [whole, fraction = ''] = decimal.split('.');
    return BigInt(whole + fraction.padEnd(scale, '0'));
  };
  const [rateWhole, rateFraction = ''] = quote.rate.split('.');
  const rateUnits = BigInt(rateWhole + rateFraction);
  const net = minor(quote.amount, fromScale) - minor(quote.fee, fromScale);
  // net / 10^fromScale × rateUnits / 10^rateScale, in units of 10^-toScale
  const numerator = net * rateUnits * 10n ** BigInt(toScale);
  const denominator = 10n ** BigInt(fromScale + rateFraction.length);
  const userOut = numerator / denominator;
  const providerOut = 2n * (numerator % denominator) >= denominator ? userOut + 1n : userOut;
  return { userOut, providerOut };
}

/** `rate` as the sandboxes quote it: price(from) / price(to), truncated to 8 decimals (bigint arithmetic). */
export function referenceRate(priceFrom: string, priceTo: string): string {
  const units = (decimal: string) => {
    const [whole, fraction = ''] = decimal.split('.');
    return { units: BigInt(whole + fraction), scale: fraction.length };
  };
  const a = units(priceFrom);
  const b = units(priceTo);
  const digits = ((a.units * 10n ** BigInt(b.scale + 8)) / (b.units * 10n ** BigInt(a.scale)))
    .toString()
    .padStart(9, '0');
  return `${digits.slice(0, -8)}.${digits.slice(-8)}`;
}

/** Minor units of a decimal string in `currency`. */
export function minorOf(decimal: string, currency: string): bigint {
  return Money.parse(decimal, currency as CurrencyCode).minor;
}

/** The swap pool's ledger balance in `currency`. */
export function swapPool(t: TestApp, currency: string): Promise<bigint> {
  return t.app.get(LedgerService).systemBalance(t.app.get(DataSource).manager, currency, 'swap_pool');
}

/** Σ of every ledger entry per account kind and currency (`user_wallet:USDC` → minor units). */
export async function ledgerByKind(t: TestApp): Promise<Map<string, bigint>> {
  const rows = (await t.app.get(DataSource).query(
    `SELECT a.kind, e.currency, SUM(e.amount)::text AS total
       FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      GROUP BY a.kind, e.currency`,
  )) as Array<{ kind: string; currency: string; total: string }>;
  return new Map(rows.map((row) => [`${row.kind}:${row.currency}`, BigInt(row.total)]));
}

/** What every provider reports holding for us in `currency` (their own books, through the adapters). */
export async function heldAtProviders(t: TestApp, currency: string): Promise<bigint> {
  let total = 0n;
  for (const adapter of t.app.get(STABLECOIN_PROVIDERS) as StablecoinProvider[]) {
    const balances = await adapter.getBalances();
    total += balances.find((balance) => balance.currency === currency)?.amount ?? 0n;
  }
  return total;
}

/**
 * Swaps create no money: in every currency, what the providers hold for us (their books) is exactly what our
 * users, the swap pool, the fee accounts and suspense hold in the ledger — the clearing accounts being the
 * negative of the providers' books, and every other ledger account a share of it.
 */
export async function expectMoneyConserved(t: TestApp, currencies: string[]): Promise<void> {
  const byKind = await ledgerByKind(t);
  for (const currency of currencies) {
    const ours = ['user_wallet', 'swap_pool', 'fees', 'suspense'].reduce(
      (sum, kind) => sum + (byKind.get(`${kind}:${currency}`) ?? 0n),
      0n,
    );
    expect({ currency, held: await heldAtProviders(t, currency) }).toEqual({ currency, held: ours });
    expect({ currency, clearing: byKind.get(`provider_clearing:${currency}`) ?? 0n }).toEqual({
      currency,
      clearing: -ours,
    });
  }
}
