import { Money } from '#monay/kernel';
import {
  isQuoteExpired,
  providerQuoteOf,
  roundingRemainder,
  SwapRoundingError,
  swapTermsOf,
  swapTermsToMetadata,
  userAmountOut,
  type SwapTerms,
} from './swap';

const terms: SwapTerms = {
  quoteId: '0b0e1c2d-0000-4000-8000-000000000001',
  provider: 'tempo',
  providerQuoteId: 'tq_1',
  from: 'USDC',
  to: 'EURC',
  amountIn: 100_010_000n,
  rate: '0.92592592',
  fee: 30_003n,
  amountOutProvider: 92_574_071n,
  amountOut: 92_574_070n,
  expiresAt: new Date('2026-01-05T10:00:30.000Z'),
};

describe('swap rules', () => {
  it('gives the user floor((A − fee) × rate), never more than the exact product', () => {
    // (100.01 − 0.030003) × 0.92592592 = 92.57407070382224 EURC → the user gets 92.574070
    expect(userAmountOut(Money.parse('100.01', 'USDC'), 30_003n, '0.92592592', 'EURC')).toBe(92_574_070n);
    // an exact product is not rounded at all
    expect(userAmountOut(Money.parse('10.00', 'USDC'), 10_000n, '1.00000000', 'USDT')).toBe(9_990_000n);
    // EURC → USDC at 1.08: (1.000001 − 0.000301) × 1.08 = 1.079676 exactly
    expect(userAmountOut(Money.parse('1.000001', 'EURC'), 301n, '1.08000000', 'USDC')).toBe(1_079_676n);
  });

  it('leaves nothing to deliver when the fee eats the amount', () => {
    expect(userAmountOut(Money.of(3n, 'USDC'), 3n, '1.00000000', 'USDT')).toBe(0n);
    expect(userAmountOut(Money.of(1n, 'USDC'), 0n, '0.92592592', 'EURC')).toBe(0n);
  });

  it('books a remainder of 0 or 1 minor unit and refuses anything else', () => {
    expect(roundingRemainder(92_574_070n, 92_574_070n, 'q')).toBe(0n);
    expect(roundingRemainder(92_574_070n, 92_574_071n, 'q')).toBe(1n);
    expect(() => roundingRemainder(92_574_070n, 92_574_072n, 'q')).toThrow(SwapRoundingError);
    expect(() => roundingRemainder(92_574_070n, 92_574_069n, 'q')).toThrow(SwapRoundingError);
  });

  it('expires a quote at its expiry instant', () => {
    expect(isQuoteExpired(terms, new Date('2026-01-05T10:00:29.999Z'))).toBe(false);
    expect(isQuoteExpired(terms, new Date('2026-01-05T10:00:30.000Z'))).toBe(true);
  });

  it('hands the provider its own quote back (its delivery, not the user share)', () => {
    expect(providerQuoteOf(terms)).toEqual({
      provider: 'tempo',
      providerQuoteId: 'tq_1',
      from: 'USDC',
      to: 'EURC',
      amountIn: 100_010_000n,
      rate: '0.92592592',
      fee: 30_003n,
      amountOut: 92_574_071n,
      expiresAt: terms.expiresAt,
    });
  });

  it('keeps the terms on a movement as JSON and reads them back exactly', () => {
    const metadata = JSON.parse(JSON.stringify({ swap: swapTermsToMetadata(terms) })) as Record<
      string,
      unknown
    >;
    expect(swapTermsOf(metadata)).toEqual(terms);
    expect(() => swapTermsOf({})).toThrow(/no quoteId/);
    expect(() => swapTermsOf({ swap: { ...swapTermsToMetadata(terms), to: 'XYZ' } })).toThrow(/bad to/);
  });
});
