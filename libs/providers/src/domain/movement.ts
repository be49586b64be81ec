import type { CurrencyCode } from '#monay/kernel';
import type { ProviderName, ProviderTransaction, Urgency } from './stablecoin-provider.port';

/**
 * A money movement through a provider (money in or out of Monay), as `provider_movements` keeps it. Its `id`
 * is created once per client request and is OUR idempotency key at every provider we call for it.
 *
 * Lifecycle: pending (recorded, funds held for outbound money, no provider answer yet) → processing (a
 * provider has it, or may have it, and has not settled) → completed | failed. Settled is final: exactly one
 * of the request, a webhook or the poller settles a movement (a guarded UPDATE), and it is never reopened.
 */
export const MOVEMENT_KINDS = ['deposit', 'withdrawal', 'external_transfer', 'batch', 'swap'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

export const MOVEMENT_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type MovementStatus = (typeof MOVEMENT_STATUSES)[number];

export const UNSETTLED: readonly MovementStatus[] = ['pending', 'processing'];

/** A provider the router did not use, and why (as recorded on the movement). */
export interface SkippedProviderRecord {
  provider: ProviderName;
  reason: string;
  detail?: string;
}

export interface Movement {
  id: string;
  userId: string;
  kind: MovementKind;
  status: MovementStatus;
  currency: CurrencyCode;
  /** What the user asked to move, minor units. */
  amount: bigint;
  /** What the provider charged, once known. */
  fee: bigint | null;
  /** Outbound: the fee reserved in the hold on top of `amount` (the highest candidate's estimate). */
  feeHeld: bigint | null;
  /** Deposit: credited to the wallet (amount − fee); outbound: debited from it (amount + fee). */
  netAmount: bigint | null;
  provider: ProviderName | null;
  providerTransactionId: string | null;
  providerStatus: string | null;
  skipped: SkippedProviderRecord[];
  settlementTimeMs: number | null;
  /** Deposits: bank | card | crypto. */
  method: string | null;
  /** Outbound: the account reference, card reference or address the money goes to. */
  destination: string | null;
  /** instant | standard (a deposit's urgency, a withdrawal's speed). */
  speed: Urgency | null;
  holdId: string | null;
  ledgerTransactionId: string | null;
  /** The client's Idempotency-Key and route, to complete its stored answer when the movement settles. */
  idempotencyKey: string | null;
  idempotencyScope: string | null;
  failureCode: string | null;
  failureMessage: string | null;
  expectedArrivalEarliest: Date | null;
  expectedArrivalLatest: Date | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
  metadata: Record<string, unknown>;
}

export function isSettled(movement: Pick<Movement, 'status'>): boolean {
  return movement.status === 'completed' || movement.status === 'failed';
}

/**
 * What a provider said about a movement, in the terms the settlement needs. `processing`: the provider has it
 * (or may have it: `transaction` undefined after an ambiguous timeout) and has not settled it.
 */
export type MovementObservation =
  | { kind: 'completed'; provider: ProviderName; transaction: ProviderTransaction }
  | {
      kind: 'failed';
      provider: ProviderName | null;
      transaction?: ProviderTransaction;
      code: string;
      message: string;
      details?: Record<string, unknown>;
    }
  | { kind: 'processing'; provider: ProviderName; transaction?: ProviderTransaction };

/** Failure codes a movement can end with (besides the refusals of its first step, e.g. INSUFFICIENT_FUNDS). */
export const MovementFailure = {
  /** The provider accepted the movement and then failed it: nothing moved. */
  PROVIDER_FAILED: 'PROVIDER_FAILED',
  /** Every provider refused or was down: nothing went out. */
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  /** No provider has the movement long after it was recorded (a crash before routing): nothing went out. */
  PROVIDER_STUCK: 'PROVIDER_STUCK',
} as const;

const DESTINATION = /^[\x21-\x7e]{4,64}$/;

/** A bank account or card reference: 4 to 64 visible ASCII characters, no spaces. */
export function isValidDestination(value: string): boolean {
  return DESTINATION.test(value);
}

/** Only the last four characters of a destination are ever shown back. */
export function maskDestination(destination: string): string {
  return `****${destination.slice(-4)}`;
}

const DAY_MS = 86_400_000;

/**
 * When a withdrawal's money should reach the destination: an instant one when the provider settles it
 * (unknown until then), a standard one one to three days after it was requested (bank rails).
 */
export function expectedArrival(
  speed: Urgency,
  createdAt: Date,
  settledAt: Date | null,
): { earliest: Date | null; latest: Date | null } {
  if (speed === 'instant') return { earliest: settledAt, latest: settledAt };
  return {
    earliest: new Date(createdAt.getTime() + DAY_MS),
    latest: new Date(createdAt.getTime() + 3 * DAY_MS),
  };
}

/**
 * Whether a provider's report really is about this movement: same idempotency key, currency and amount.
 * Money is never booked on a report that disagrees (it is logged and left for an operator).
 */
export function reportMismatch(
  movement: Pick<Movement, 'id' | 'currency' | 'amount'>,
  transaction: Pick<ProviderTransaction, 'idempotencyKey' | 'currency' | 'amount'>,
): string | null {
  if (transaction.idempotencyKey !== movement.id) return 'idempotency key differs';
  if (transaction.currency !== movement.currency)
    return `currency ${transaction.currency} ≠ ${movement.currency}`;
  if (transaction.amount !== movement.amount) return `amount ${transaction.amount} ≠ ${movement.amount}`;
  return null;
}
