import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { BrokenCircuitError } from 'cockatiel';
import { Money, ReferencePrices } from '#monay/kernel';
import { AppConfig, PROVIDER_NAMES } from '#monay/shared';
import {
  ProviderRefusedError,
  ProviderTimeoutError,
  ProviderUnavailableError,
} from '../domain/providers.errors';
import { planRoute } from '../domain/routing-policy';
import {
  STABLECOIN_PROVIDERS,
  type ProviderName,
  type ProviderTransaction,
  type StablecoinProvider,
} from '../domain/stablecoin-provider.port';
import { ProviderCallGuard } from './provider-call-guard';
import type { ProviderCall, RouteOutcome, RoutePlan, RouteRequest, SkippedProvider } from './routing.types';

/** What a re-submission (same provider, same idempotency key) came to. */
export type Resubmission =
  /** The provider has the transaction (it made it now, or answered the one it already had). */
  | { kind: 'accepted'; value: ProviderTransaction }
  /** The provider refused the request on its merits: a definite answer, it does not have it. */
  | { kind: 'refused'; error: ProviderRefusedError }
  /** No answer again (timeout, unavailable): the provider may still have it. */
  | { kind: 'unanswered'; error: Error };

/** Re-submissions of a timed-out call inside the request; the poller goes on from there. */
export const RESUBMISSIONS_IN_REQUEST = 1;

/**
 * Chooses providers for a money movement and calls them in turn (DESIGN.md, Providers): the routing policy
 * (domain/routing-policy.ts) orders the candidates; each call goes through the provider's breaker with a
 * deadline (ProviderCallGuard). It falls back only when nothing can have been accepted (refused,
 * unavailable, breaker open).
 *
 * A timeout is different: the provider may have the request, now or later (a request stuck on its way is paid
 * when it lands). From then on the movement belongs to that provider until it answers for it: it is asked for
 * the transaction by our idempotency key, and when it says "not found" — which, so soon after a timeout, is no
 * answer — the same request is sent to it again with the same key (providers deduplicate by key: it makes the
 * transaction once, or answers the one it has), after a short backoff. Only a definite refusal of that same
 * request lets the router go on to the next provider; otherwise the outcome is `ambiguous`: kept at that
 * provider, where the poller asks and re-submits until it answers (or, after `ambiguousQuarantineMs` of "not
 * found", re-routes it).
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
          const resolved = await this.resolveAfterTimeout(provider, request, idempotencyKey, call);
          if (resolved.kind === 'accepted') {
            return {
              outcome: 'accepted',
              provider: name,
              value: resolved.value,
              skipped,
              elapsedMs: elapsed(),
            };
          }
          if (resolved.kind === 'refused') {
            skip({ provider: name, reason: 'refused_after_timeout', detail: resolved.error.message });
            continue;
          }
          this.logger.warn(
            { idempotencyKey, operation: request.operation, provider: name, err: resolved.error },
            `Provider ${name} timed out and has not answered for the call since; it stays there, not falling back`,
          );
          return { outcome: 'ambiguous', provider: name, skipped, elapsedMs: elapsed() };
        } else {
          throw error;
        }
      }
    }
    return { outcome: 'unavailable', skipped, elapsedMs: elapsed() };
  }

  /**
   * Sends the same request to the same provider again, with the same idempotency key (the poller's way to
   * settle a movement a provider timed out on). Around the breaker: the provider may have the movement, and
   * only it can answer for it. Rethrows an error that is not a provider error (a bug).
   */
  async resubmit(
    name: ProviderName,
    operation: string,
    call: ProviderCall<ProviderTransaction>,
  ): Promise<Resubmission> {
    const provider = this.providers.get(name);
    if (!provider) return { kind: 'unanswered', error: new ProviderUnavailableError(name, 'no adapter') };
    try {
      const value = await this.guard.run({ provider: name, operation, breaker: false }, () => call(provider));
      return { kind: 'accepted', value };
    } catch (error) {
      if (error instanceof ProviderRefusedError) return { kind: 'refused', error };
      if (error instanceof ProviderTimeoutError || error instanceof ProviderUnavailableError) {
        return { kind: 'unanswered', error };
      }
      throw error;
    }
  }

  /**
   * After a timeout: the provider is asked for the transaction; if it has none (or cannot say), the request is
   * re-submitted to it with the same key after a short backoff, {@link RESUBMISSIONS_IN_REQUEST} times, each
   * followed by another status query (a late write of the first call may have landed meanwhile).
   */
  private async resolveAfterTimeout(
    provider: StablecoinProvider,
    request: RouteRequest,
    idempotencyKey: string,
    call: ProviderCall<ProviderTransaction>,
  ): Promise<Resubmission> {
    let last: Resubmission = {
      kind: 'unanswered',
      error: new ProviderTimeoutError(provider.name, this.config.providers.callTimeoutMs),
    };
    for (let attempt = 0; ; attempt += 1) {
      const found = await this.findAfterTimeout(provider, idempotencyKey);
      if (found !== 'unknown' && found !== null) return { kind: 'accepted', value: found };
      if (attempt >= RESUBMISSIONS_IN_REQUEST) return last;
      await sleep(this.resubmitBackoffMs(attempt));
      last = await this.resubmit(provider.name, request.operation, call);
      if (last.kind !== 'unanswered') return last;
    }
  }

  /** 100 ms, 200 ms, 400 ms … never more than the call timeout. */
  resubmitBackoffMs(attempt: number): number {
    return Math.min(this.config.providers.callTimeoutMs, 100 * 2 ** attempt);
  }

  /** The transaction, null when the provider says it has none (yet), or 'unknown' when it cannot say. */
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
