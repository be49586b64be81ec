import type { CurrencyCode, Money } from '#monay/kernel';
import type { ProviderName, RoutedOperation } from '#monay/shared';

export type { ProviderName, ProviderMode, RoutedOperation } from '#monay/shared';

/**
 * Where a provider transaction stands, in our words. Each adapter also reports its own vendor state
 * (`providerStatus`: Circle's INITIATED/QUEUED/SENT/CONFIRMED/COMPLETE/FAILED, Tempo's submitted/finalized…).
 */
export type ProviderTransactionStatus = 'pending' | 'completed' | 'failed';

export type Urgency = 'instant' | 'standard';

/** One leg of a batch (or the only leg of a transfer out), as the provider reports it. */
export interface ProviderLeg {
  to: string;
  amount: bigint;
  currency: CurrencyCode;
  memo?: string;
}

/**
 * A money movement at a provider, found again by OUR idempotency key. Amounts are minor units of our
 * currency scale (6 for the stablecoins), whatever the vendor's wire format is.
 */
export interface ProviderTransaction {
  provider: ProviderName;
  /** The vendor's own id (a Tempo tx hash, a Circle transfer id, …). */
  providerTransactionId: string;
  idempotencyKey: string;
  operation: RoutedOperation;
  status: ProviderTransactionStatus;
  /** The vendor's own state name. */
  providerStatus: string;
  currency: CurrencyCode;
  /** What moved (for a batch: the sum of its legs; for a swap: the amount sold). */
  amount: bigint;
  /** What the provider charged us for this transaction (network fee), in `currency`. */
  fee: bigint;
  /** Swaps: the currency bought and the amount of it the provider delivered. */
  swapOut?: { currency: CurrencyCode; amount: bigint };
  /** Batches: every leg, in the order sent. */
  legs?: ProviderLeg[];
  failureReason?: string;
  createdAt: Date;
  /** When the provider settled it (completed or failed), if it has. */
  settledAt?: Date;
}

/** What a provider would charge and how fast it settles, for routing (no call is made). */
export interface ProviderEstimate {
  fee: bigint;
  settlementMs: number;
}

export interface ProviderCapabilities {
  /** The currencies each operation supports at this provider; an operation it lacks has none. */
  currencies: Record<RoutedOperation, readonly CurrencyCode[]>;
  /** Many transfers in one provider transaction for one fee (Tempo). */
  nativeBatch: boolean;
  /** Typical time from accepted to settled, in ms (before the sandbox latency scale). */
  typicalSettlementMs: number;
}

export interface ProviderSwapQuote {
  provider: ProviderName;
  /** The provider's own quote id, used to execute at this rate. */
  providerQuoteId: string;
  from: CurrencyCode;
  to: CurrencyCode;
  /** Minor units of `from` sold. */
  amountIn: bigint;
  /** Units of `to` per unit of `from`, a decimal string (e.g. "0.92450000"). */
  rate: string;
  /** The provider's fee, in `from`, already taken out before the rate is applied. */
  fee: bigint;
  /** What the provider will deliver, minor units of `to`. */
  amountOut: bigint;
  expiresAt: Date;
}

export interface ProviderHealthReport {
  ok: boolean;
  latencyMs: number;
  detail?: string;
}

/**
 * The one port to a stablecoin provider (DESIGN.md, Providers). Every mutating call carries our idempotency
 * key: the provider answers a repeated key with the transaction it already has, so a retry never pays twice,
 * and `getTransactionStatus(key)` finds a transaction whose answer was lost.
 *
 * Failures (providers.errors.ts): ProviderRefusedError and ProviderUnavailableError mean nothing was
 * accepted (safe to try another provider); ProviderTimeoutError means the provider may have accepted it
 * (ask for its status before anything else).
 */
export interface StablecoinProvider {
  readonly name: ProviderName;
  readonly capabilities: ProviderCapabilities;

  estimate(operation: RoutedOperation, amount: Money, legs?: number): ProviderEstimate;

  /** Opens a wallet for the user at the provider (idempotent per key), returning its address there. */
  createWallet(input: {
    idempotencyKey: string;
    userId: string;
  }): Promise<{ walletId: string; address: string }>;

  /** Money in: the provider collects `amount` (bank/card/crypto) into our omnibus wallet for the user. */
  deposit(input: {
    idempotencyKey: string;
    amount: Money;
    method: 'bank' | 'card' | 'crypto';
    walletAddress?: string;
  }): Promise<ProviderTransaction>;

  /** Money out to a bank account or card: `destination` is an opaque account reference. */
  withdraw(input: {
    idempotencyKey: string;
    amount: Money;
    destination: string;
    speed: Urgency;
  }): Promise<ProviderTransaction>;

  /** Money out on chain to an external 0x address. */
  transferOut(input: {
    idempotencyKey: string;
    amount: Money;
    to: string;
    memo?: string;
  }): Promise<ProviderTransaction>;

  /** Many transfers out at once; refused (ProviderRefusedError) by a provider without native batches. */
  batchTransfer(input: {
    idempotencyKey: string;
    transfers: Array<{ to: string; amount: Money; memo?: string }>;
  }): Promise<ProviderTransaction>;

  quoteSwap(input: { from: CurrencyCode; to: CurrencyCode; amount: Money }): Promise<ProviderSwapQuote>;

  executeSwap(input: { idempotencyKey: string; quote: ProviderSwapQuote }): Promise<ProviderTransaction>;

  /** Our omnibus balances at the provider, minor units per currency (missing currency: 0). */
  getBalances(): Promise<Array<{ currency: CurrencyCode; amount: bigint }>>;

  /** The transaction made with this idempotency key, or null if the provider never accepted it. */
  getTransactionStatus(idempotencyKey: string): Promise<ProviderTransaction | null>;

  health(): Promise<ProviderHealthReport>;
}

/** Nest token for the list of every adapter (`StablecoinProvider[]`). */
export const STABLECOIN_PROVIDERS = Symbol('STABLECOIN_PROVIDERS');
