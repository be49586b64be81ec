import type { CurrencyCode, Money } from '#monay/kernel';
import type {
  ProviderName,
  RoutedOperation,
  StablecoinProvider,
  Urgency,
} from '../domain/stablecoin-provider.port';

/** What a money movement asks the router for. */
export interface RouteRequest {
  operation: RoutedOperation;
  currency: CurrencyCode;
  /** The amount moved (for a batch: the total), for fee-by-size routing and limits. */
  amount: Money;
  urgency: Urgency;
  /** The user's preferred provider, tried first when it can serve the request. */
  preferred?: ProviderName;
  /** Batches: how many legs (fees differ: Tempo charges once per batch). */
  legs?: number;
  /** A swap's target currency (both currencies must be supported). */
  toCurrency?: CurrencyCode;
  /**
   * The user's smart-routing switch (wallet preference `smart_routing`); absent means on. Off: the configured
   * priority only (the preferred provider still goes first). See domain/routing-policy.ts.
   */
  smartRouting?: boolean;
  /** Providers this movement may no longer go to (see domain/routing-policy.ts, `quarantined`). */
  exclude?: ReadonlyArray<{ provider: ProviderName; detail: string }>;
}

/** A provider the router did not use, and why (recorded on the money movement). */
export interface SkippedProvider {
  provider: ProviderName;
  /**
   * Stable, machine-readable: unsupported_currency, breaker_open, refused, unavailable, refused_after_timeout
   * (timed out, then definitely refused the same request under the same key), quarantined, …
   */
  reason: string;
  detail?: string;
}

/** The order the router would try, and the providers it left out before calling anyone. */
export interface RoutePlan {
  candidates: ProviderName[];
  skipped: SkippedProvider[];
}

/**
 * What came of routing a call:
 * - `accepted`: a provider accepted it (its transaction may still be pending there);
 * - `ambiguous`: a provider timed out and has not answered for the transaction since (not found, or cannot
 *   say, even after a re-submission with the same key): it must NOT be sent anywhere else; the caller keeps it
 *   processing at that provider and the poller asks (and re-submits) again later;
 * - `unavailable`: every candidate refused or was down before accepting: nothing went out anywhere.
 */
export type RouteOutcome<T> =
  | { outcome: 'accepted'; provider: ProviderName; value: T; skipped: SkippedProvider[]; elapsedMs: number }
  | { outcome: 'ambiguous'; provider: ProviderName; skipped: SkippedProvider[]; elapsedMs: number }
  | { outcome: 'unavailable'; skipped: SkippedProvider[]; elapsedMs: number };

/** The provider call the router makes on a chosen provider. */
export type ProviderCall<T> = (provider: StablecoinProvider) => Promise<T>;
