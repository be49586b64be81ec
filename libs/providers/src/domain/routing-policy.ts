import type { CurrencyCode, Money } from '#monay/kernel';
import type {
  ProviderCapabilities,
  ProviderEstimate,
  ProviderName,
  RoutedOperation,
  Urgency,
} from './stablecoin-provider.port';

/** What the policy needs of a provider: its name, what it supports, and its price and speed for a request. */
export interface RoutableProvider {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;
  estimate(operation: RoutedOperation, amount: Money, legs?: number): ProviderEstimate;
}

/** The request being routed (the application's RouteRequest has this shape). */
export interface RoutingRequest {
  operation: RoutedOperation;
  currency: CurrencyCode;
  /** Swaps: the currency bought; the provider must support both. */
  toCurrency?: CurrencyCode;
  amount: Money;
  urgency: Urgency;
  preferred?: ProviderName;
  legs?: number;
  /** The user's smart-routing switch; absent means on. */
  smartRouting?: boolean;
  /**
   * Providers this movement must not go to any more: one that may have it (a timeout) and was given up on after
   * its quarantine, or that definitely refused it after a timeout (reason `quarantined`, with why).
   */
  exclude?: ReadonlyArray<{ provider: ProviderName; detail: string }>;
}

export interface RoutingContext {
  /** The configured priority for the request's operation, first choice first. */
  priority: readonly ProviderName[];
  /** Every adapter there is, in any order. */
  providers: readonly RoutableProvider[];
  /** Providers whose circuit breaker is not closed right now. */
  openBreakers: ReadonlySet<ProviderName>;
  /** The request's amount valued in USD. */
  amountUsd: Money;
  /** From this USD value on, an amount is routed by fee (`config.providers.largeAmountUsd`). */
  largeAmountUsd: Money;
}

/** Why the policy left a provider out, before any call (stable, machine-readable). */
export type PlanSkipReason =
  | 'not_in_priority'
  | 'no_adapter'
  | 'unsupported_operation'
  | 'unsupported_currency'
  | 'breaker_open'
  | 'quarantined';

export interface PlanSkip {
  provider: ProviderName;
  reason: PlanSkipReason;
  detail?: string;
}

export interface PolicyPlan {
  candidates: ProviderName[];
  skipped: PlanSkip[];
}

/**
 * Which providers may serve a request, and in which order to try them (DESIGN.md, Providers).
 *
 * Eligibility: a provider is left out, with the first reason that applies, when it is
 * `not_in_priority` (an adapter the operation's priority does not name), has `no_adapter` (a priority
 * entry with no adapter behind it), has `unsupported_operation` (no currency at all for the operation),
 * `unsupported_currency` (the currency, or a swap's `toCurrency`, is not among the operation's), or has its
 * breaker not closed (`breaker_open`): support is checked first so that `breaker_open` only names providers
 * that could otherwise have served the request. Before all of these, a provider the request excludes is
 * `quarantined` (a movement re-routed away from a provider that timed out on it).
 *
 * Order, strongest rule first:
 * 1. the user's preferred provider, when eligible, goes first (an explicit choice; applies with smart routing
 *    off too, because it is the user's own);
 * 2. with smart routing on (the default):
 *    a. `instant` urgency: fastest estimated settlement first;
 *    b. an amount worth at least `largeAmountUsd` (compared as USD Money, never as floats): cheapest
 *       estimated fee for that amount (and legs) first — for an `instant` large amount this breaks ties
 *       between equally fast providers;
 * 3. ties, and everything when smart routing is off or neither rule applies: the configured priority.
 */
export function planRoute(request: RoutingRequest, context: RoutingContext): PolicyPlan {
  const byName = new Map(context.providers.map((provider) => [provider.name, provider]));
  const skipped: PlanSkip[] = [];
  const eligible: RoutableProvider[] = [];

  for (const name of context.priority) {
    const provider = byName.get(name);
    if (!provider) {
      skipped.push({ provider: name, reason: 'no_adapter', detail: `no ${name} adapter is configured` });
      continue;
    }
    const excluded = request.exclude?.find((entry) => entry.provider === name);
    if (excluded) {
      skipped.push({ provider: name, reason: 'quarantined', detail: excluded.detail });
      continue;
    }
    const exclusion = exclusionOf(provider, request, context.openBreakers);
    if (exclusion) skipped.push(exclusion);
    else eligible.push(provider);
  }
  for (const provider of context.providers) {
    if (!context.priority.includes(provider.name)) {
      skipped.push({
        provider: provider.name,
        reason: 'not_in_priority',
        detail: `${provider.name} is not in the ${request.operation} priority (${context.priority.join(', ')})`,
      });
    }
  }

  const ordered = request.smartRouting === false ? eligible : smartOrder(eligible, request, context);
  const preferred = ordered.find((provider) => provider.name === request.preferred);
  const candidates = preferred ? [preferred, ...ordered.filter((p) => p !== preferred)] : ordered;
  return { candidates: candidates.map((provider) => provider.name), skipped };
}

function exclusionOf(
  provider: RoutableProvider,
  request: RoutingRequest,
  openBreakers: ReadonlySet<ProviderName>,
): PlanSkip | undefined {
  const supported = provider.capabilities.currencies[request.operation] ?? [];
  if (supported.length === 0) {
    return {
      provider: provider.name,
      reason: 'unsupported_operation',
      detail: `${provider.name} does not support ${request.operation}`,
    };
  }
  const needed = [request.currency, ...(request.toCurrency ? [request.toCurrency] : [])];
  const missing = needed.filter((currency) => !supported.includes(currency));
  if (missing.length > 0) {
    return {
      provider: provider.name,
      reason: 'unsupported_currency',
      detail: `${provider.name} does not support ${missing.join(' and ')} for ${request.operation}`,
    };
  }
  if (openBreakers.has(provider.name)) {
    return {
      provider: provider.name,
      reason: 'breaker_open',
      detail: `${provider.name}'s circuit breaker is open after repeated failures`,
    };
  }
  return undefined;
}

function smartOrder(
  eligible: RoutableProvider[],
  request: RoutingRequest,
  context: RoutingContext,
): RoutableProvider[] {
  const bySpeed = request.urgency === 'instant';
  const byFee = context.amountUsd.greaterThanOrEqual(context.largeAmountUsd);
  if (!bySpeed && !byFee) return eligible;
  const ranked = eligible.map((provider, priority) => ({
    provider,
    priority,
    estimate: provider.estimate(request.operation, request.amount, request.legs),
  }));
  ranked.sort(
    (a, b) =>
      (bySpeed ? a.estimate.settlementMs - b.estimate.settlementMs : 0) ||
      (byFee ? compareBigint(a.estimate.fee, b.estimate.fee) : 0) ||
      a.priority - b.priority,
  );
  return ranked.map((entry) => entry.provider);
}

function compareBigint(a: bigint, b: bigint): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
