import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CurrencyCode } from '#monay/kernel';
import { type AnyOutboxMessage, type StoredResponse } from '#monay/shared';
import type { Movement, MovementKind } from '../domain/movement';
import type {
  ProviderTransaction,
  RoutedOperation,
  StablecoinProvider,
} from '../domain/stablecoin-provider.port';

/** Where a movement stands when its events are written. */
export type MovementTransition =
  /** Recorded by the request (outbound: funds held). */
  | 'requested'
  /** pending → processing: a provider has it and has not settled it yet. */
  | 'processing'
  | 'completed'
  | 'failed';

/** One currency's change to our omnibus balance at a provider (minor units; positive: money in). */
export interface ProviderEffect {
  currency: CurrencyCode;
  amount: bigint;
}

/** How a completed movement was booked in the ledger. */
export interface Booking {
  ledgerTransactionId: string;
  /** Recorded on the movement (e.g. an outbound shortfall that could not be covered from the wallet). */
  metadata?: Record<string, unknown>;
}

/**
 * What one kind of money movement does differently, plugged into the {@link MovementEngine} that owns the
 * shape every kind shares: record (and reserve) → route → settle once, with the client's idempotency record
 * and the outbox events in the settling transaction.
 *
 * Deposits and withdrawals are written here. An external 0x transfer is a withdrawal with `transferOut` as its
 * call (reuse {@link MovementLedger}'s reserve / completeOutbound / release); a batch is the same with
 * `batchTransfer`; a swap books differently (its own `book`).
 */
export interface MovementPolicy {
  readonly kind: MovementKind;
  /** The routed operation (priority list, capabilities, fee estimates). */
  readonly operation: RoutedOperation;
  /** Outbound money: the first step consumes limits and holds amount + the highest candidate fee. */
  readonly outbound: boolean;
  /**
   * Money in that counts against the tier's deposit limits: the first step consumes them (a refusal is the
   * movement's outcome, 422), and a failure gives them back.
   */
  readonly countsAsDeposit?: boolean;

  /**
   * The call to a provider the router chose. It MUST carry `movement.id` as the idempotency key. It may throw
   * ProviderRefusedError itself (before calling) for a provider that cannot serve this movement, e.g. one
   * whose fee exceeds what was held: the router then tries the next one.
   */
  call(provider: StablecoinProvider, movement: Movement): Promise<ProviderTransaction>;

  /**
   * Optional, first step: runs in its transaction once the movement is recorded, before anything is reserved,
   * to check and claim what the movement executes (a swap's quote). A DomainError thrown here refuses the
   * request as it is (e.g. 409): the whole first step rolls back — nothing recorded or held, the key not kept.
   */
  prepare?(tx: EntityManager, movement: Movement): Promise<void>;

  /**
   * Optional, outbound: the fee the hold covers on top of the amount (default: the highest fee a candidate
   * provider may charge). A swap's fee is inside the amount sold: it holds the amount only.
   */
  heldFee?(movement: Movement): bigint;

  /** The fee and the net amount (deposit: credited; outbound: debited) of a completed provider transaction. */
  settlementAmounts(movement: Movement, transaction: ProviderTransaction): { fee: bigint; net: bigint };

  /** Books a completed movement in the ledger, in the settling transaction. */
  book(tx: EntityManager, movement: Movement, transaction: ProviderTransaction): Promise<Booking>;

  /**
   * What a completed provider transaction did to our omnibus balances at the provider, per currency (signed minor
   * units: money in is positive). When `book` is refused (the wallet cannot take it), this is booked against
   * suspense instead, so that the clearing accounts keep mirroring the provider (MovementEngine.apply).
   */
  providerEffect(movement: Movement, transaction: ProviderTransaction): ProviderEffect[];

  /** When the money should arrive, recorded at settlement (withdrawals: bank rails take days). */
  expectedArrival?(movement: Movement, settledAt: Date): { earliest: Date | null; latest: Date | null };

  /** Releases what the first step reserved, when the movement fails; true if something was released. */
  release(tx: EntityManager, movement: Movement): Promise<boolean>;

  /** The outbox events of a transition (the movement as it is after it). */
  events(
    movement: Movement,
    transition: MovementTransition,
    context: { holdReleased: boolean },
  ): AnyOutboxMessage[];

  /** The answer the client gets (and gets again for its key) for the movement as it stands. */
  respond(movement: Movement): StoredResponse;
}

/** Every movement kind this process knows how to route and settle (policies register themselves). */
@Injectable()
export class MovementPolicies {
  private readonly byKind = new Map<MovementKind, MovementPolicy>();

  register(policy: MovementPolicy): void {
    if (this.byKind.has(policy.kind)) throw new Error(`Movement policy ${policy.kind} registered twice`);
    this.byKind.set(policy.kind, policy);
  }

  get(kind: MovementKind): MovementPolicy | undefined {
    return this.byKind.get(kind);
  }

  kinds(): MovementKind[] {
    return [...this.byKind.keys()];
  }
}
