import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money } from '#monay/kernel';
import { outboxMessage, type AnyOutboxMessage, type DomainEventName, type DomainEvents } from '#monay/shared';
import { MovementFailure, type Movement } from '../domain/movement';
import { ProviderRefusedError } from '../domain/providers.errors';
import type { ProviderTransaction, StablecoinProvider } from '../domain/stablecoin-provider.port';
import { isQuoteExpired, providerQuoteOf, swapTermsOf } from '../domain/swap';
import { QuoteAlreadyUsedError, QuoteExpiredError, SwapQuoteNotFoundError } from '../domain/swap.errors';
import {
  SwapCompleted,
  SwapFailed,
  SwapRequested,
  type SwapCompletedPayload,
  type SwapFailedPayload,
  type SwapRequestedPayload,
} from '../domain/events/swap.events';
import { SwapQuoteRepository, type QuoteExecution } from './swap-quote.repository';
import { MovementLedger } from '../movements/movement-ledger';
import {
  MovementPolicies,
  type Booking,
  type MovementPolicy,
  type MovementTransition,
  type ProviderEffect,
} from '../movements/movement-policy';
import { SwapLedger } from './swap-ledger';
import { swapResponse } from './swap-view';

/**
 * Whether a quote whose swap ended like this may be executed again (by a retry, while it lasts): yes when that
 * swap failed without any provider accepting it (refused for funds or limits, no provider up, never routed);
 * no while it is under way or once it completed — nor when the provider accepted it and then failed it (the
 * provider's quote behind ours is spent).
 */
function isFree(execution: QuoteExecution): boolean {
  return execution.status === 'failed' && execution.failureCode !== MovementFailure.PROVIDER_FAILED;
}

/** The failure of a swap whose quote the provider found expired (the request answers 409 QUOTE_EXPIRED). */
export const PROVIDER_QUOTE_EXPIRED = /quote expired/i;

/**
 * A swap between stablecoins as a provider movement (kind `swap`), executed at OUR quote's terms (recorded on
 * the movement's metadata as `swap`):
 *
 * - first step: the quote is claimed in the same transaction (refused 409 QUOTE_EXPIRED / QUOTE_ALREADY_USED
 *   with nothing recorded or held), limits are consumed on the USD value of A and A is held on the `from`
 *   account — the provider's fee is inside A, so nothing is held on top;
 * - the call: `executeSwap` with the provider's quote, at THAT provider only (a quote is provider-specific:
 *   any other provider the router offers is refused before any call, so if the quoting provider is down the
 *   request fails with nothing sent, 503, the key released);
 * - settlement: booked by {@link SwapLedger} (one ledger transaction for both currencies); a failure voids the
 *   hold (the quote may be executed again unless the provider had accepted it, see isFree).
 */
@Injectable()
export class SwapPolicy implements MovementPolicy, OnModuleInit {
  readonly kind = 'swap' as const;
  readonly operation = 'swap' as const;
  readonly outbound = true;

  constructor(
    private readonly policies: MovementPolicies,
    private readonly movementLedger: MovementLedger,
    private readonly swapLedger: SwapLedger,
    private readonly quotes: SwapQuoteRepository,
  ) {}

  onModuleInit(): void {
    this.policies.register(this);
  }

  /** The fee is taken out of the amount sold: the hold is A, nothing on top. */
  heldFee(): bigint {
    return 0n;
  }

  /** Claims the quote for this swap, in the first step's transaction (the quote row locked). */
  async prepare(tx: EntityManager, movement: Movement): Promise<void> {
    const terms = swapTermsOf(movement.metadata);
    const found = await this.quotes.lockOwned(tx, movement.userId, terms.quoteId);
    if (!found) throw new SwapQuoteNotFoundError();
    const { quote, execution } = found;
    // This very movement used it before (a retry of its key reopened it after PROVIDER_UNAVAILABLE): still ours.
    const ours = quote.movementId === movement.id;
    if (quote.movementId && !ours && execution && !isFree(execution)) {
      throw new QuoteAlreadyUsedError(quote.quoteId);
    }
    const now = new Date();
    if (isQuoteExpired(quote, now)) throw new QuoteExpiredError(quote.quoteId, quote.expiresAt);
    await this.quotes.markUsed(tx, quote.quoteId, movement.id, now);
  }

  async call(provider: StablecoinProvider, movement: Movement): Promise<ProviderTransaction> {
    const terms = swapTermsOf(movement.metadata);
    if (provider.name !== terms.provider) {
      // No call: the quote can only be executed where it was made.
      throw new ProviderRefusedError(provider.name, `the quote is ${terms.provider}'s`);
    }
    if (isQuoteExpired(terms, new Date())) throw new ProviderRefusedError(provider.name, 'quote expired');
    return provider.executeSwap({ idempotencyKey: movement.id, quote: providerQuoteOf(terms) });
  }

  /** The fee the provider took (inside A); what left the wallet: A. */
  settlementAmounts(movement: Movement, transaction: ProviderTransaction): { fee: bigint; net: bigint } {
    return { fee: transaction.fee, net: movement.amount };
  }

  book(tx: EntityManager, movement: Movement, transaction: ProviderTransaction): Promise<Booking> {
    return this.swapLedger.book(tx, movement, swapTermsOf(movement.metadata), transaction);
  }

  /** The provider took what was sold and delivered what was bought. */
  providerEffect(movement: Movement, transaction: ProviderTransaction): ProviderEffect[] {
    const terms = swapTermsOf(movement.metadata);
    return [
      { currency: terms.from, amount: -terms.amountIn },
      ...(transaction.swapOut
        ? [{ currency: transaction.swapOut.currency, amount: transaction.swapOut.amount }]
        : []),
    ];
  }

  release(tx: EntityManager, movement: Movement): Promise<boolean> {
    return this.movementLedger.releaseOutbound(tx, movement);
  }

  events(
    movement: Movement,
    transition: MovementTransition,
    context: { holdReleased: boolean },
  ): AnyOutboxMessage[] {
    const terms = swapTermsOf(movement.metadata);
    const from = (minor: bigint) => Money.of(minor, terms.from).toDecimalString();
    const common = {
      swapId: movement.id,
      userId: movement.userId,
      quoteId: terms.quoteId,
      from: terms.from,
      to: terms.to,
      amountIn: from(terms.amountIn),
    };
    const quoted = {
      fee: from(terms.fee),
      rate: terms.rate,
      amountOut: Money.of(terms.amountOut, terms.to).toDecimalString(),
    };
    const message = <K extends DomainEventName>(type: K, payload: DomainEvents[K]) => [
      outboxMessage(type, movement.id, [movement.userId], payload),
    ];
    switch (transition) {
      case 'requested':
        return message(SwapRequested, {
          ...common,
          ...quoted,
          provider: terms.provider,
        } satisfies SwapRequestedPayload);
      case 'processing':
        return [];
      case 'completed':
        return message(SwapCompleted, {
          ...common,
          ...quoted,
          fee: from(movement.fee ?? terms.fee),
          provider: movement.provider ?? terms.provider,
          ledgerTransactionId: movement.ledgerTransactionId ?? '',
          completedAt: (movement.completedAt ?? new Date()).toISOString(),
        } satisfies SwapCompletedPayload);
      case 'failed':
        return message(SwapFailed, {
          ...common,
          provider: movement.provider,
          reason: movement.failureCode ?? 'PROVIDER_FAILED',
          holdReleased: context.holdReleased,
        } satisfies SwapFailedPayload);
    }
  }

  respond(movement: Movement) {
    return swapResponse(movement);
  }
}
