import { createHash } from 'node:crypto';
import type { CurrencyCode } from '#monay/kernel';
import type { ProviderName, ProviderTransaction, Urgency } from './stablecoin-provider.port';

/**
 * A money movement through a provider (money in or out of Monay), as `provider_movements` keeps it. Its `id`
 * is OUR idempotency key at every provider we call for it. A movement a client asked for has the id its
 * Idempotency-Key stands for ({@link movementIdOf}): however often the client retries, the providers see one
 * key, so a provider that received an earlier attempt late answers that one instead of paying again.
 *
 * Lifecycle: pending (recorded, funds held for outbound money, no provider answer yet) → processing (a
 * provider has it, or may have it, and has not settled) → completed | failed. Settled is final: exactly one
 * of the request, a webhook or the poller settles a movement (a guarded UPDATE). The one exception is a
 * movement failed PROVIDER_UNAVAILABLE by its own request (nothing went out anywhere, the client's key was
 * released for a retry): the client's retry with that key reopens it (pending again, held again).
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
 * The id of the movement a client's request stands for: derived from the user, the route (the idempotency
 * scope) and the client's Idempotency-Key (SHA-256, written as an RFC 9562 version-8 UUID), so that every retry
 * of the request is the same movement and carries the same idempotency key to the providers.
 */
export function movementIdOf(userId: string, scope: string, clientKey: string): string {
  const hex = createHash('sha256')
    .update('monay:provider-movement\n')
    .update(userId)
    .update('\n')
    .update(scope)
    .update('\n')
    .update(clientKey)
    .digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Whether a movement may be reopened by its client's retry: failed PROVIDER_UNAVAILABLE (every provider
 * refused or was down before accepting: nothing went out, nothing was booked, the key was released).
 */
export function isReopenable(
  movement: Pick<Movement, 'status' | 'failureCode' | 'ledgerTransactionId'>,
): boolean {
  return (
    movement.status === 'failed' &&
    movement.failureCode === MovementFailure.PROVIDER_UNAVAILABLE &&
    movement.ledgerTransactionId === null
  );
}

/**
 * A movement a provider timed out on: the provider is recorded but has never answered for it (no transaction
 * id). It belongs to that provider until the provider answers: `since` is when it timed out.
 */
export function ambiguityOf(
  movement: Pick<Movement, 'status' | 'provider' | 'providerTransactionId' | 'metadata' | 'updatedAt'>,
): { provider: ProviderName; since: Date } | null {
  if (movement.status !== 'processing' || !movement.provider || movement.providerTransactionId) return null;
  const recorded = movement.metadata.ambiguous as { provider?: string; since?: string } | undefined;
  const since =
    recorded?.provider === movement.provider && recorded.since
      ? new Date(recorded.since)
      : movement.updatedAt;
  return { provider: movement.provider, since };
}

/** When the current attempt of a movement began: its creation, or the retry that reopened it. */
export function attemptStartedAt(movement: Pick<Movement, 'createdAt' | 'metadata'>): Date {
  const reopened = movement.metadata.reopenedAt;
  return typeof reopened === 'string' ? new Date(reopened) : movement.createdAt;
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
