import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BrokenCircuitError } from 'cockatiel';
import { Money, ReferencePrices } from '#monay/kernel';
import { AppConfig, PROVIDER_NAMES } from '#monay/shared';
import {
  ProviderRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../../domain/providers.errors';
import { planRoute } from '../../domain/routing-policy';
import {
  STABLECOIN_PROVIDERS,
  type ProviderName,
  type ProviderTransaction,
  type StablecoinProvider,
} from '../../domain/stablecoin-provider.port';
import { ProviderCallGuard } from './provider-call-guard';
import type { ProviderCall, RouteOutcome, RoutePlan, RouteRequest, SkippedProvider } from './routing.types';

/**
 * Chooses providers for a money movement and calls them in turn (DESIGN.md, Providers): the routing policy
 * (domain/routing-policy.ts) orders the candidates; each call goes through the provider's breaker with a
 * deadline (ProviderCallGuard). It falls back only when nothing can have been accepted (refused,
 * unavailable, breaker open); after a timeout it asks that same provider for the transaction by our
 * idempotency key before anything else, and stops (`ambiguous`) when the provider cannot say.
 */
@Injectable()
export class ProviderRouter {
  private readonly logger = new Logger('ProviderRouter');
  private readonly providers: ReadonlyMap<ProviderName, StablecoinProvider>;
  private readonly prices: ReferencePrices;
  private readonly largeAmountUsd: Money;

  constructor(
    private readonly config: AppConfig,
    private readonly guard: ProviderCallGuard,
    // Optional so that the app still boots (and routes nowhere) in a build without adapters.
    @Optional() @Inject(STABLECOIN_PROVIDERS) providers: StablecoinProvider[] | null = null,
  ) {
    this.providers = new Map((providers ?? []).map((provider) => [provider.name, provider]));
    this.prices = new ReferencePrices(config.referencePrices);
    this.largeAmountUsd = Money.parse(config.providers.largeAmountUsd, 'USD');
  }

  /** Every adapter, in the default priority order (PROVIDER_NAMES). */
  all(): StablecoinProvider[] {
    return PROVIDER_NAMES.flatMap((name) => this.providers.get(name) ?? []);
  }

  /** The order the router would try right now, and who it would leave out (no call is made). */
  plan(request: RouteRequest): RoutePlan {
    return planRoute(request, {
      priority: this.config.providers.priority[request.operation],
      providers: this.all(),
      openBreakers: this.guard.unavailableBreakers(this.providers.keys()),
      amountUsd: this.prices.usdValue(request.amount),
      largeAmountUsd: this.largeAmountUsd,
    });
  }

  /**
   * Makes `call` on the first candidate that accepts it. `idempotencyKey` must be the key `call` sends: it
   * is how a timed-out call is found again. Never throws for a provider's failure — the outcome says what
   * happened — only for a bug (an error that is not a provider error), which is rethrown as is.
   */
  async execute(
    request: RouteRequest,
    idempotencyKey: string,
    call: ProviderCall<ProviderTransaction>,
  ): Promise<RouteOutcome<ProviderTransaction>> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const plan = this.plan(request);
    const skipped: SkippedProvider[] = [...plan.skipped];
    const skip = (entry: SkippedProvider) => {
      skipped.push(entry);
      this.logger.warn(
        { idempotencyKey, operation: request.operation, ...entry },
        `Provider ${entry.provider} skipped (${entry.reason}); falling back`,
      );
    };

    for (const name of plan.candidates) {
      const provider = this.providers.get(name)!;
      try {
        const value = await this.guard.run({ provider: name, operation: request.operation }, () =>
          call(provider),
        );
        return { outcome: 'accepted', provider: name, value, skipped, elapsedMs: elapsed() };
      } catch (error) {
        if (error instanceof BrokenCircuitError) {
          skip({ provider: name, reason: 'breaker_open', detail: 'circuit breaker opened before the call' });
        } else if (error instanceof ProviderRefusedError) {
          skip({ provider: name, reason: 'refused', detail: error.message });
        } else if (error instanceof ProviderUnavailableError) {
          skip({ provider: name, reason: 'unavailable', detail: error.message });
        } else if (error instanceof ProviderTimeoutError) {
          const found = await this.findAfterTimeout(provider, idempotencyKey);
          if (found === 'unknown') {
            this.logger.warn(
              { idempotencyKey, operation: request.operation, provider: name },
              `Provider ${name} timed out and cannot say whether it accepted the call; not falling back`,
            );
            return { outcome: 'ambiguous', provider: name, skipped, elapsedMs: elapsed() };
          }
          if (found) {
            return { outcome: 'accepted', provider: name, value: found, skipped, elapsedMs: elapsed() };
          }
          skip({ provider: name, reason: 'timeout_not_accepted', detail: error.message });
        } else {
          throw error;
        }
      }
    }
    return { outcome: 'unavailable', skipped, elapsedMs: elapsed() };
  }

  /** The transaction, null when the provider says it never accepted it, or 'unknown' when it cannot say. */
  private async findAfterTimeout(
    provider: StablecoinProvider,
    idempotencyKey: string,
  ): Promise<ProviderTransaction | null | 'unknown'> {
    try {
      return await this.guard.run({ provider: provider.name, operation: 'status', breaker: false }, () =>
        provider.getTransactionStatus(idempotencyKey),
      );
    } catch (error) {
      this.logger.warn(
        { idempotencyKey, provider: provider.name, err: error },
        'Status query after a timeout failed',
      );
      return 'unknown';
    }
  }
}
