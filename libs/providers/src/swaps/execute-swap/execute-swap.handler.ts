import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Money } from '#monay/kernel';
import { MovementFailure } from '../../domain/movement';
import { NoProviderAvailableError } from '../../domain/providers.errors';
import { swapTermsToMetadata, type SwapQuote } from '../../domain/swap';
import { QuoteExpiredError, SwapQuoteNotFoundError } from '../../domain/swap.errors';
import { SwapQuoteRepository } from '../swap-quote.repository';
import { MovementEngine } from '../../movements/movement-engine';
import type { SkippedProvider } from '../../routing/routing.types';
import { SwapQuoter } from '../swap-quoter';
import { PROVIDER_QUOTE_EXPIRED, SwapPolicy } from '../swap.policy';
import { ExecuteSwapCommand } from './execute-swap.command';

export const SWAP_SCOPE = 'consumer.swap';

/**
 * Executes a swap at a quote's terms, through the movement engine (claim the quote and hold A → the quoting
 * provider's `executeSwap` → book or void). 201 executed, 202 still at the provider (the hold keeps A reserved),
 * 422 refused (INSUFFICIENT_FUNDS, LIMIT_EXCEEDED) or failed at the provider, 409 QUOTE_EXPIRED /
 * QUOTE_ALREADY_USED (nothing recorded or held), 404 for a quote that is not the user's, 503 when the quoting
 * provider cannot take it now (nothing sent, the key released).
 *
 * A quote is provider-specific, so it is executed at its provider only. `{quoteId}`: if that provider is down,
 * 503 — the user asks for a new quote. `{from, to, amount}` quotes and executes at once: the quote goes
 * wherever a provider can quote now (so an outage of the first is routed around at quote time), and a retry
 * with the same key after a 503 quotes afresh; any other retry executes (or replays) the quote made for it.
 */
@CommandHandler(ExecuteSwapCommand)
export class ExecuteSwapHandler implements ICommandHandler<ExecuteSwapCommand> {
  constructor(
    private readonly engine: MovementEngine,
    private readonly policy: SwapPolicy,
    private readonly quoter: SwapQuoter,
    private readonly quotes: SwapQuoteRepository,
  ) {}

  async execute(command: ExecuteSwapCommand) {
    const quote = await this.quoteOf(command);
    try {
      return await this.engine.execute(this.policy, {
        userId: command.userId,
        idempotency: { key: command.idempotencyKey, scope: SWAP_SCOPE, body: command.request },
        amount: Money.of(quote.amountIn, quote.from),
        speed: 'standard',
        // Its quoting provider first; any other one is refused by the policy before any call.
        routing: { preferred: quote.provider, smartRouting: false, toCurrency: quote.to },
        metadata: { swap: swapTermsToMetadata(quote) },
      });
    } catch (error) {
      // The provider found its quote expired in the moment between our check and its own: nothing moved.
      if (error instanceof NoProviderAvailableError && expiredAt(error.details, quote)) {
        throw new QuoteExpiredError(quote.quoteId, quote.expiresAt);
      }
      throw error;
    }
  }

  private async quoteOf(command: ExecuteSwapCommand): Promise<SwapQuote> {
    const { order } = command;
    if (order.quoteId !== undefined) {
      const quote = await this.quotes.findOwned(command.userId, order.quoteId);
      if (!quote) throw new SwapQuoteNotFoundError();
      return quote;
    }
    const earlier = await this.quotes.findForRequestKey(command.userId, command.idempotencyKey);
    const keyReleased =
      earlier?.execution?.status === 'failed' &&
      earlier.execution.failureCode === MovementFailure.PROVIDER_UNAVAILABLE;
    if (earlier?.execution && !keyReleased) return earlier.quote;
    return this.quoter.quote({
      userId: command.userId,
      from: order.from,
      to: order.to,
      amount: order.amount,
      requestKey: command.idempotencyKey,
    });
  }
}

function expiredAt(details: Record<string, unknown> | undefined, quote: SwapQuote): boolean {
  const skipped = (details?.skipped ?? []) as SkippedProvider[];
  return skipped.some(
    (skip) => skip.provider === quote.provider && PROVIDER_QUOTE_EXPIRED.test(skip.detail ?? ''),
  );
}
