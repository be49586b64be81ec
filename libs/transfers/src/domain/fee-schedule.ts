import { Money, type CurrencyCode } from '#monay/kernel';

/**
 * What Monay charges, in the currency moved. Internal P2P is free; a batch pays one flat fee whatever its
 * size. Amounts come from configuration as decimal strings.
 */
export class FeeSchedule {
  constructor(private readonly rates: { p2p: string; batch: string }) {}

  p2p(currency: CurrencyCode): Money {
    return Money.parse(this.rates.p2p, currency);
  }

  batch(currency: CurrencyCode): Money {
    return Money.parse(this.rates.batch, currency);
  }
}
