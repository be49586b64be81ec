import { Injectable, Logger } from '@nestjs/common';
import { BrokenCircuitError } from 'cockatiel';
import { randomUUID } from 'node:crypto';
import type { CurrencyCode, Money } from '#monay/kernel';
import { WalletReports } from '#monay/wallet';
import {
  NoProviderAvailableError,
  ProviderRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../domain/providers.errors';
import type { ProviderSwapQuote } from '../domain/stablecoin-provider.port';
import { userAmountOut, type SwapQuote } from '../domain/swap';
import { SwapAmountTooSmallError, SwapRequestInvalidError } from '../domain/swap.errors';
import { SwapQuoteRepository } from './swap-quote.repository';
import { ProviderCallGuard } from '../routing/provider-call-guard';
import { ProviderRouter } from '../routing/provider-router';
import type { SkippedProvider } from '../routing/routing.types';

export interface QuoteRequest {
  userId: string;
  from: CurrencyCode;
  to: CurrencyCode;
  /** What the user sells, in `from` (the provider's fee is taken out of it). */
  amount: Money;
  /** The Idempotency-Key of a `POST /swap {from, to, amount}` that quotes and executes at once. */
  requestKey?: string;
}

/**
 * Makes OUR swap quote from a provider's (DESIGN.md, Money: rounding against the user by at most one minor
 * unit). The router plans a `swap` for the pair (providers that support both currencies, breakers closed, the
 * user's preferred provider first); each candidate is asked `quoteSwap` through the call guard (its breaker and
 * deadline) until one answers. A quote moves no money, so a timeout is as safe to fall back from as a refusal.
 *
 * The user's share is U = floor((A − fee) × rate), the provider's delivery P must be U or U + 1 (else the
 * provider is skipped and the error logged): the quote stores both.
 */
@Injectable()
export class SwapQuoter {
  private readonly logger = new Logger('Swaps');

  constructor(
    private readonly router: ProviderRouter,
    private readonly guard: ProviderCallGuard,
    private readonly quotes: SwapQuoteRepository,
    private readonly walletReports: WalletReports,
  ) {}

  /**
   * Throws SwapRequestInvalidError (400) for a pair that is not a swap, SwapAmountTooSmallError (422) when the
   * user would get nothing, the providers' refusal (422) when every provider asked refused on the merits, and
   * NoProviderAvailableError (503) when none could be asked or answered.
   */
  async quote(request: QuoteRequest): Promise<SwapQuote> {
    const { from, to, amount } = request;
    if (from === to) throw new SwapRequestInvalidError('to', 'must be another currency than from');
    if (amount.code !== from) throw new SwapRequestInvalidError('amount', `must be in ${from}`);
    const preferences = await this.walletReports.preferences(request.userId);
    const plan = this.router.plan({
      operation: 'swap',
      currency: from,
      toCurrency: to,
      amount,
      urgency: 'standard',
      ...(preferences.preferredProvider && { preferred: preferences.preferredProvider }),
      smartRouting: preferences.smartRouting,
    });
    const skipped: SkippedProvider[] = [...plan.skipped];
    const refusals: ProviderRefusedError[] = [];
    const adapters = new Map(this.router.all().map((adapter) => [adapter.name, adapter]));

    for (const name of plan.candidates) {
      const adapter = adapters.get(name);
      if (!adapter) continue;
      let offered: ProviderSwapQuote;
      try {
        offered = await this.guard.run({ provider: name, operation: 'swap' }, () =>
          adapter.quoteSwap({ from, to, amount }),
        );
      } catch (error) {
        const reason = skipReasonOf(error);
        if (!reason) throw error;
        if (error instanceof ProviderRefusedError) refusals.push(error);
        skipped.push({ provider: name, reason, detail: (error as Error).message });
        continue;
      }
      const userOut = userAmountOut(amount, offered.fee, offered.rate, to);
      if (userOut <= 0n) throw new SwapAmountTooSmallError(amount.toDecimalString(), from, to);
      if (!this.isSound(offered, request, name, userOut)) {
        skipped.push({ provider: name, reason: 'refused', detail: 'its quote cannot be honoured' });
        continue;
      }
      const quote: SwapQuote = {
        quoteId: randomUUID(),
        userId: request.userId,
        provider: name,
        providerQuoteId: offered.providerQuoteId,
        from,
        to,
        amountIn: amount.minor,
        rate: offered.rate,
        fee: offered.fee,
        amountOutProvider: offered.amountOut,
        amountOut: userOut,
        expiresAt: offered.expiresAt,
        requestKey: request.requestKey ?? null,
        movementId: null,
        usedAt: null,
        createdAt: new Date(),
      };
      await this.quotes.insert(quote);
      return quote;
    }

    const attempted = skipped.filter((skip) => plan.candidates.includes(skip.provider));
    if (refusals.length > 0 && attempted.every((skip) => skip.reason === 'refused')) {
      // Every provider that was asked refused on the merits (too small, say): a retry elsewhere won't help.
      throw refusals[0];
    }
    throw new NoProviderAvailableError(skipped);
  }

  /** The provider's quote is about this request and delivers U or U + 1 (else it is logged and skipped). */
  private isSound(offered: ProviderSwapQuote, request: QuoteRequest, name: string, userOut: bigint): boolean {
    const about =
      offered.provider === name &&
      offered.from === request.from &&
      offered.to === request.to &&
      offered.amountIn === request.amount.minor &&
      offered.fee >= 0n &&
      offered.fee < offered.amountIn;
    const problem = !about
      ? 'it is not about this request'
      : offered.amountOut < userOut || offered.amountOut > userOut + 1n
        ? `it delivers ${offered.amountOut}, not ${userOut} or one more (the rounding rule)`
        : null;
    if (problem === null) return true;
    this.logger.error(
      { provider: name, providerQuoteId: offered.providerQuoteId, problem },
      'A provider quoted a swap we cannot honour; skipping it',
    );
    return false;
  }
}

/** How the router names a provider that could not quote; undefined for an error that is not a provider's. */
function skipReasonOf(error: unknown): string | undefined {
  if (error instanceof BrokenCircuitError) return 'breaker_open';
  if (error instanceof ProviderRefusedError) return 'refused';
  if (error instanceof ProviderUnavailableError) return 'unavailable';
  if (error instanceof ProviderTimeoutError) return 'timeout';
  return undefined;
}
