import { Money, type CurrencyCode } from '#monay/kernel';

/**
 * Circle's wire format: amounts are decimal strings with a fiat currency code — `{ amount: "12.50",
 * currency: "USD" }` for USDC, `"EUR"` for EURC — read back with Money's strict parser, never as floats.
 */
export interface CircleMoney {
  amount: string;
  currency: 'USD' | 'EUR';
}

const FIAT_OF: Partial<Record<CurrencyCode, CircleMoney['currency']>> = { USDC: 'USD', EURC: 'EUR' };

export function toCircleMoney(amount: Money): CircleMoney {
  const currency = FIAT_OF[amount.code];
  if (!currency) throw new RangeError(`Circle has no ${amount.code}`);
  return { amount: amount.toDecimalString(), currency };
}

/** Circle money → minor units of `token` (USDC or EURC); refuses a currency that does not match the token. */
export function fromCircleMoney(value: unknown, token: CurrencyCode): bigint {
  const money = value as Partial<CircleMoney> | null;
  if (!money || typeof money.amount !== 'string' || money.currency !== FIAT_OF[token]) {
    throw new TypeError(`not a Circle ${token} amount: ${JSON.stringify(value)?.slice(0, 60)}`);
  }
  return Money.parse(money.amount, token, { field: 'amount', signed: false }).minor;
}
