import { Command } from '@nestjs/cqrs';
import type { CurrencyCode, Money } from '#monay/kernel';
import type { SwapQuote } from '../../domain/swap';

/** Ask for a swap quote: sell `amount` of `from` for `to` (the quote is stored, and the user's). */
export class QuoteSwapCommand extends Command<SwapQuote> {
  constructor(
    readonly userId: string,
    readonly from: CurrencyCode,
    readonly to: CurrencyCode,
    readonly amount: Money,
  ) {
    super();
  }
}
