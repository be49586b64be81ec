import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainError, Money, type CurrencyCode } from '#monay/kernel';
import {
  newId,
  AppConfig,
  IdempotencyConflictError,
  IdempotencyKeyReusedError,
  IdempotencyStore,
  OutboxRelay,
  OutboxWriter,
  requestHash,
  UnitOfWork,
  type IdempotentRequest,
  type IdempotentResult,
  type OutboxMessage,
  type StoredResponse,
} from '#monay/shared';
import { WalletAccess, type Wallet } from '#monay/wallet';
import {
  isReopenable,
  isSettled,
  MovementFailure,
  movementIdOf,
  reportMismatch,
  type Movement,
  type MovementObservation,
  type SkippedProviderRecord,
} from '../domain/movement';
import type {
  MovementExceptionRaisedPayload,
  MovementExceptionResolvedPayload,
} from '../domain/events/movement-exception.events';
import {
  MovementExceptionNotFoundError,
  MovementExceptionResolvedError,
  type MovementException,
} from '../domain/movement-exception';
import { ProviderFailedError } from '../domain/movement.errors';
import { NoProviderAvailableError } from '../domain/providers.errors';
import {
  STABLECOIN_PROVIDERS,
  type ProviderName,
  type ProviderTransaction,
  type RoutedOperation,
  type StablecoinProvider,
  type Urgency,
} from '../domain/stablecoin-provider.port';
import { ProviderRouter, RESUBMISSIONS_IN_REQUEST, type Resubmission } from '../routing/provider-router';
import type { RoutePlan, RouteRequest, SkippedProvider } from '../routing/routing.types';
import { MovementLedger } from './movement-ledger';
import type { Booking, MovementPolicy } from './movement-policy';
import { MovementExceptionRepository } from './movement-exception.repository';
import { MovementRepository } from './movement.repository';
import { WebhookEventRepository, type WebhookOutcome } from './webhook-event.repository';

/** What a client asked to move (the first step records it). */
export interface StartMovement {
  userId: string;
  /** The client's Idempotency-Key, the route it came by, and the validated body (hashed). */
  idempotency: { key: string; scope: string; body: unknown };
  amount: Money;
  speed: Urgency;
  method?: string | null;
  destination?: string | null;
  /** Routing inputs beyond the movement's own: the user's preferences, a batch's legs, a swap's target. */
  routing?: { preferred?: ProviderName; smartRouting?: boolean; legs?: number; toCurrency?: CurrencyCode };
  metadata?: Record<string, unknown>;
}

/** How a settlement attempt went. */
export interface ApplyResult {
  /** The movement as it stands after the attempt. */
  movement: Movement;
  /** The answer for the client, as stored with its key. */
  response: StoredResponse;
  /** Whether this attempt changed the movement (false: someone else settled it first, or nothing to do). */
  changed: boolean;
  /** A webhook whose id was already recorded: nothing was done. */
  duplicateWebhook?: boolean;
}

export interface ApplyOptions {
  /** The request's own routing record (replaces what is recorded). */
  skipped?: SkippedProviderRecord[];
  /** Failure with nothing sent anywhere: forget the client's key so that a retry runs afresh. */
  releaseKey?: boolean;
  /** Merged into the movement's metadata when it goes processing (e.g. when a provider timed out on it). */
  metadata?: Record<string, unknown>;
  /** A webhook, recorded (deduplicated by its id) in the same transaction. */
  webhook?: { provider: ProviderName; webhookId: string; payload: unknown };
  /**
   * More work for the settling transaction, run after the booking (completed) or the release (failed) when
   * this attempt settles the movement, e.g. a batch no provider would take becoming one movement per leg
   * with the funds its hold released.
   */
  inTransaction?: (tx: EntityManager, settled: Movement) => Promise<void>;
}

/** What came of routing a recorded movement ({@link MovementEngine.dispatch}). */
export interface DispatchResult {
  result: ApplyResult;
  /** Set when no provider took it: who was skipped and why (the movement is failed PROVIDER_UNAVAILABLE). */
  unavailable: SkippedProvider[] | null;
}

/** How a dispatch records its routing and what it does when nobody takes the movement. */
export type DispatchOptions = Pick<ApplyOptions, 'releaseKey' | 'inTransaction'> & {
  /** Skips recorded before this dispatch, kept in front of its own (a movement re-routed by the poller). */
  skippedBefore?: SkippedProviderRecord[];
};

/**
 * Money in and out through providers, in three steps, never a provider call inside a database transaction:
 *
 * 1. BEGIN (one transaction): claim the client's Idempotency-Key (a replay answers the stored response; the key
 *    stays in flight after this commit, so a concurrent same-key request gets 409), record the movement
 *    `pending`; outbound money also consumes limits and holds amount + the highest candidate fee (a refusal is
 *    recorded as the movement's outcome, answered 422 and stored with the key); the outbox gets its events.
 * 2. ROUTE (no transaction): the router calls providers with the movement's id as OUR idempotency key; an
 *    accepted transaction still pending at the provider is watched for up to `settleWaitMs`.
 * 3. SETTLE (one transaction, {@link apply}): the movement row is locked and moved by a guarded UPDATE, so the
 *    request, a webhook and the poller can never settle it twice; the ledger booking, the outbox events and
 *    the client's idempotency record go in the same transaction.
 *
 * If the process dies between steps, the poller finishes the job (it asks the providers and calls `apply`).
 */
@Injectable()
export class MovementEngine {
  private readonly logger = new Logger('ProviderMovements');
  private readonly adapters: ReadonlyMap<ProviderName, StablecoinProvider>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly keys: IdempotencyStore,
    private readonly movements: MovementRepository,
    private readonly exceptions: MovementExceptionRepository,
    private readonly webhooks: WebhookEventRepository,
    private readonly router: ProviderRouter,
    private readonly wallets: WalletAccess,
    private readonly ledger: MovementLedger,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly config: AppConfig,
    @Optional() @Inject(STABLECOIN_PROVIDERS) adapters: StablecoinProvider[] | null = null,
  ) {
    this.adapters = new Map((adapters ?? []).map((adapter) => [adapter.name, adapter]));
  }

  /**
   * The longest a request may still be routing a movement it recorded: every adapter tried, each call and the
   * status query after its timeout at the deadline, then the settle wait. Until then the poller leaves a
   * movement no provider has alone (the request may be about to send it).
   */
  get routeBudgetMs(): number {
    const { callTimeoutMs, settleWaitMs } = this.config.providers;
    // Per provider: the call and the status query after its timeout, then each re-submission (its backoff,
    // at most a call timeout, the call and another status query).
    const perProvider = 2 * callTimeoutMs + RESUBMISSIONS_IN_REQUEST * 3 * callTimeoutMs;
    return Math.max(this.adapters.size, 1) * perProvider + settleWaitMs + 1_000;
  }

  /** When a movement no provider has is given up as PROVIDER_STUCK (never before the route budget). */
  get stuckAfterMs(): number {
    return Math.max(this.config.providers.pendingResolveAfterMs, this.routeBudgetMs);
  }

  adapter(name: ProviderName): StablecoinProvider | undefined {
    return this.adapters.get(name);
  }

  /** The adapters that support `operation` in `currency` (the poller asks them about a movement never routed). */
  adaptersFor(operation: RoutedOperation, currency: CurrencyCode): StablecoinProvider[] {
    return this.router
      .all()
      .filter((adapter) => adapter.capabilities.currencies[operation]?.includes(currency) ?? false);
  }

  /** The route of a recorded movement, as its request asked for it (the routing inputs kept on it). */
  routeRequestOfMovement(policy: MovementPolicy, movement: Movement): RouteRequest {
    const routing = (movement.metadata.routing ?? {}) as NonNullable<StartMovement['routing']>;
    return {
      operation: policy.operation,
      currency: movement.currency,
      amount: Money.of(movement.amount, movement.currency),
      urgency: movement.speed ?? 'standard',
      ...(routing.preferred && { preferred: routing.preferred }),
      ...(routing.smartRouting !== undefined && { smartRouting: routing.smartRouting }),
      ...(routing.legs !== undefined && { legs: routing.legs }),
      ...(routing.toCurrency && { toCurrency: routing.toCurrency }),
    };
  }

  routeRequestOf(policy: MovementPolicy, start: StartMovement): RouteRequest {
    return {
      operation: policy.operation,
      currency: start.amount.currency.code,
      amount: start.amount,
      urgency: start.speed,
      ...(start.routing?.preferred && { preferred: start.routing.preferred }),
      ...(start.routing?.smartRouting !== undefined && { smartRouting: start.routing.smartRouting }),
      ...(start.routing?.legs !== undefined && { legs: start.routing.legs }),
      ...(start.routing?.toCurrency && { toCurrency: start.routing.toCurrency }),
    };
  }

  /** The three steps for one client request. Throws NoProviderAvailableError (503) when nobody could take it. */
  async execute(policy: MovementPolicy, start: StartMovement): Promise<IdempotentResult> {
    // Before the transaction: opening a missing wallet is a transaction of its own.
    const wallet = await this.wallets.ensureWallet(start.userId);
    const route = this.routeRequestOf(policy, start);
    const begun = await this.begin(policy, start, wallet, this.router.plan(route));
    this.relay.nudge();
    if (begun.answered) return begun.answered;
    try {
      const response = await this.route(policy, begun.movement, route);
      return { ...response, replayed: false };
    } finally {
      this.relay.nudge();
    }
  }

  /** The highest fee any provider that may serve this request would charge (what an outbound hold covers). */
  highestFee(operation: RoutedOperation, amount: Money, plan: RoutePlan, legs?: number): bigint {
    // A provider skipped only for its breaker may be tried by the time the request is routed.
    const names = [
      ...plan.candidates,
      ...plan.skipped.filter((skip) => skip.reason === 'breaker_open').map((skip) => skip.provider),
    ];
    let highest = 0n;
    for (const name of names) {
      const adapter = this.adapters.get(name);
      if (!adapter) continue;
      const { fee } = adapter.estimate(operation, amount, legs);
      if (fee > highest) highest = fee;
    }
    return highest;
  }

  /** Step 1: BEGIN. */
  private begin(
    policy: MovementPolicy,
    start: StartMovement,
    wallet: Wallet,
    plan: RoutePlan,
  ): Promise<
    { answered: IdempotentResult; movement?: undefined } | { answered?: undefined; movement: Movement }
  > {
    const request: IdempotentRequest = {
      userId: start.userId,
      key: start.idempotency.key,
      scope: start.idempotency.scope,
      body: start.idempotency.body,
    };
    return this.uow.run(async (tx) => {
      const claim = await this.keys.claim(tx, request);
      if (claim.outcome === 'replay') return { answered: { ...claim.response, replayed: true } };

      let movement = this.draft(policy, start);
      const earlier = await this.movements.lock(tx, movement.id);
      if (earlier) movement = await this.reopen(tx, earlier, movement);
      else await this.record(tx, movement);
      await policy.prepare?.(tx, movement);
      try {
        if (policy.outbound) {
          const feeHeld =
            policy.heldFee?.(movement) ??
            this.highestFee(policy.operation, start.amount, plan, start.routing?.legs);
          movement = await this.reserve(tx, policy, movement, { wallet, feeHeld });
        } else if (policy.countsAsDeposit) {
          movement = await this.countDeposit(tx, movement, wallet);
        }
      } catch (error) {
        if (!isRefusal(error)) throw error;
        // A refusal of the movement itself (funds, limits): recorded, answered 422, replayed for the key.
        const failed = await this.refuse(tx, policy, movement, error);
        const response = policy.respond(failed);
        await this.keys.complete(tx, request, response);
        return { answered: { ...response, replayed: false } };
      }
      await this.outbox.append(tx, policy.events(movement, 'requested', { holdReleased: false }));
      return { movement };
    });
  }

  /**
   * The client's retry of a request whose movement failed PROVIDER_UNAVAILABLE (its key was released): the
   * same movement, reopened — so the providers see the same idempotency key again, and one that received the
   * earlier attempt late answers that one instead of paying twice. As before the key was released, the retry
   * may change the request (a swap with a fresh quote): the earlier attempt moved nothing, and a provider that
   * has the key for another request refuses it rather than pay it.
   */
  private async reopen(tx: EntityManager, earlier: Movement, fresh: Movement): Promise<Movement> {
    // The id stands for (user, route, key): anything else is not this request's movement.
    if (earlier.userId !== fresh.userId || earlier.kind !== fresh.kind) throw new IdempotencyKeyReusedError();
    // The key was claimed just now, so nothing else is working on this movement: it can only be one that
    // its own request failed PROVIDER_UNAVAILABLE (the key released in that same transaction).
    if (!isReopenable(earlier)) throw new IdempotencyConflictError();
    const now = new Date();
    const attempts = (typeof earlier.metadata.attempts === 'number' ? earlier.metadata.attempts : 1) + 1;
    const earlierAttempts = Array.isArray(earlier.metadata.earlierAttempts)
      ? (earlier.metadata.earlierAttempts as unknown[])
      : [];
    const metadata = {
      ...fresh.metadata,
      attempts,
      reopenedAt: now.toISOString(),
      earlierAttempts: [
        ...earlierAttempts,
        { failedAt: earlier.completedAt?.toISOString() ?? null, skipped: earlier.skipped },
      ],
    };
    const reopened = await this.movements.reopen(
      tx,
      { ...fresh, metadata },
      new Date(now.getTime() + this.routeBudgetMs),
    );
    if (!reopened) throw new IdempotencyConflictError();
    return reopened;
  }

  /**
   * A new movement of the policy's kind, pending, as step 1 records it (nothing written yet). The client's key
   * is kept on it so that its settlement completes the client's answer, and gives it its id
   * ({@link movementIdOf}); a movement that is part of a larger request (`idempotency: null`) leaves the answer
   * to that request and gets an id of its own.
   */
  draft(
    policy: MovementPolicy,
    start: Omit<StartMovement, 'idempotency'> & { idempotency: StartMovement['idempotency'] | null },
    now: Date = new Date(),
  ): Movement {
    return {
      id: start.idempotency
        ? movementIdOf(start.userId, start.idempotency.scope, start.idempotency.key)
        : newId(),
      userId: start.userId,
      kind: policy.kind,
      status: 'pending',
      currency: start.amount.currency.code,
      amount: start.amount.minor,
      fee: null,
      feeHeld: null,
      netAmount: null,
      provider: null,
      providerTransactionId: null,
      providerStatus: null,
      skipped: [],
      settlementTimeMs: null,
      method: start.method ?? null,
      destination: start.destination ?? null,
      speed: start.speed,
      holdId: null,
      ledgerTransactionId: null,
      idempotencyKey: start.idempotency?.key ?? null,
      idempotencyScope: start.idempotency?.scope ?? null,
      failureCode: null,
      failureMessage: null,
      expectedArrivalEarliest: null,
      expectedArrivalLatest: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      metadata: {
        ...start.metadata,
        ...(start.routing && { routing: start.routing }),
        ...(start.idempotency && {
          requestHash: requestHash(start.idempotency.scope, start.idempotency.body),
        }),
      },
    };
  }

  /** Writes a drafted movement, pending, in the caller's transaction (the poller looks after the route budget). */
  async record(tx: EntityManager, movement: Movement): Promise<void> {
    await this.movements.insert(tx, movement, new Date(movement.createdAt.getTime() + this.routeBudgetMs));
  }

  /**
   * Holds amount + `feeHeld` on the wallet for a recorded outbound movement (limits consumed first unless the
   * caller already counted them), in a savepoint: a refusal (InsufficientFundsError, LimitExceededError …) is
   * thrown with nothing held. The movement with its hold.
   *
   * The hold has no expiry: it lives exactly as long as the movement is unsettled, and the movement's own
   * settlement resolves it (posted when a provider completes it, voided when it fails — the poller fails a
   * movement no provider has). An expiry could only ever fire while a provider still has the movement, which is
   * when the funds must stay reserved: a provider completing later would find them spent.
   */
  async reserve(
    tx: EntityManager,
    policy: MovementPolicy,
    movement: Movement,
    input: { wallet: Wallet; feeHeld: bigint; consumeLimits?: boolean },
  ): Promise<Movement> {
    const { holdId, limitsConsumed } = await this.uow.savepoint(tx, (inner) =>
      this.ledger.reserveOutbound(inner, {
        wallet: input.wallet,
        movementId: movement.id,
        kind: policy.kind,
        currency: movement.currency,
        amount: movement.amount,
        feeHeld: input.feeHeld,
        ...(input.consumeLimits === false && { consumeLimits: false }),
      }),
    );
    await this.movements.setHold(tx, movement.id, holdId, input.feeHeld);
    if (!limitsConsumed) return { ...movement, holdId, feeHeld: input.feeHeld };
    // Remembered so that a failure gives the limits back (releaseOutbound).
    await this.movements.addMetadata(tx, movement.id, { limitsConsumed });
    return {
      ...movement,
      holdId,
      feeHeld: input.feeHeld,
      metadata: { ...movement.metadata, limitsConsumed },
    };
  }

  /**
   * Counts a recorded deposit against the tier's deposit limits, in a savepoint (a LimitExceededError is thrown
   * with nothing counted); what was counted is kept on the movement, to give back should it fail.
   */
  private async countDeposit(tx: EntityManager, movement: Movement, wallet: Wallet): Promise<Movement> {
    const limitsConsumed = await this.uow.savepoint(tx, (inner) =>
      this.ledger.countDeposit(inner, { wallet, currency: movement.currency, amount: movement.amount }),
    );
    await this.movements.addMetadata(tx, movement.id, { limitsConsumed });
    return { ...movement, metadata: { ...movement.metadata, limitsConsumed } };
  }

  /**
   * Settles a recorded movement as refused by its first step (funds, limits: nothing held, nothing sent), with
   * its events, in the caller's transaction. The failed movement.
   */
  async refuse(
    tx: EntityManager,
    policy: MovementPolicy,
    movement: Movement,
    error: DomainError,
  ): Promise<Movement> {
    const failedAt = new Date();
    const failed = await this.movements.settle(tx, movement.id, {
      status: 'failed',
      provider: null,
      providerTransactionId: null,
      providerStatus: null,
      fee: null,
      netAmount: null,
      failureCode: error.code,
      failureMessage: error.message,
      completedAt: failedAt,
      settlementTimeMs: failedAt.getTime() - movement.createdAt.getTime(),
      expectedArrival: null,
      metadata: error.details ? { failureDetails: error.details } : {},
    });
    if (!failed) {
      throw new Error(`Movement ${movement.id} vanished in its own transaction`, { cause: error });
    }
    await this.outbox.append(tx, policy.events(failed, 'failed', { holdReleased: false }));
    return failed;
  }

  /** Steps 2 and 3 for a movement the request just recorded. */
  private async route(
    policy: MovementPolicy,
    movement: Movement,
    route: RouteRequest,
  ): Promise<StoredResponse> {
    const { result, unavailable } = await this.dispatch(policy, movement, route, { releaseKey: true });
    if (unavailable && result.changed) throw new NoProviderAvailableError(unavailable);
    return result.response;
  }

  /**
   * Steps 2 and 3 for a recorded movement: the router sends it (the movement's id as our idempotency key), an
   * accepted transaction still pending is watched for up to `settleWaitMs`, and what the provider said is
   * applied. When no provider takes it, it is failed PROVIDER_UNAVAILABLE (its hold released; with
   * `releaseKey`, the client's key forgotten; `inTransaction` runs in that same transaction).
   */
  async dispatch(
    policy: MovementPolicy,
    movement: Movement,
    route: RouteRequest,
    options: DispatchOptions = {},
  ): Promise<DispatchResult> {
    const { skippedBefore = [], ...settleOptions } = options;
    const outcome = await this.router.execute(route, movement.id, (provider) =>
      policy.call(provider, movement),
    );
    const skipped = [...skippedBefore, ...outcome.skipped.map(toSkippedRecord)];
    if (outcome.outcome === 'unavailable') {
      const result = await this.apply(
        policy,
        movement.id,
        {
          kind: 'failed',
          provider: null,
          code: MovementFailure.PROVIDER_UNAVAILABLE,
          message: 'No provider can take this request right now; nothing was charged, try again later',
        },
        { skipped, ...settleOptions },
      );
      return { result, unavailable: outcome.skipped };
    }
    if (outcome.outcome === 'ambiguous') {
      // The provider timed out and has not answered for it since: it stays there (the poller asks, re-submits,
      // and re-routes it only after the quarantine).
      const result = await this.apply(
        policy,
        movement.id,
        { kind: 'processing', provider: outcome.provider },
        {
          skipped,
          metadata: { ambiguous: { provider: outcome.provider, since: new Date().toISOString() } },
        },
      );
      return { result, unavailable: null };
    }
    let transaction = outcome.value;
    if (transaction.status === 'pending') {
      transaction = await this.waitForSettlement(outcome.provider, movement.id, transaction);
    }
    const result = await this.apply(policy, movement.id, observationOf(outcome.provider, transaction), {
      skipped,
    });
    return { result, unavailable: null };
  }

  /**
   * Sends a movement's request again to the provider it is recorded at, with the same idempotency key (the
   * provider timed out on it and says it has no such transaction: its write may still be on its way).
   */
  resubmit(policy: MovementPolicy, movement: Movement): Promise<Resubmission> {
    if (!movement.provider) throw new Error(`Movement ${movement.id} has no provider to re-submit to`);
    return this.router.resubmit(movement.provider, policy.operation, (provider) =>
      policy.call(provider, movement),
    );
  }

  /**
   * Re-routes a movement away from providers that may no longer have it: one that timed out on it and, past
   * its quarantine, still says "not found" after our re-submissions, or that definitely refused it after a
   * timeout (the poller's call). Like {@link dispatch}, with those providers excluded; the client's key gets
   * the final answer (it was answered 202 already, so it is never released).
   */
  async failover(
    policy: MovementPolicy,
    movement: Movement,
    exclude: Array<{ provider: ProviderName; detail: string }>,
  ): Promise<DispatchResult> {
    const earlier = Array.isArray(movement.metadata.excluded)
      ? (movement.metadata.excluded as Array<{ provider: ProviderName; detail: string }>)
      : [];
    const excluded = [
      ...earlier,
      ...exclude.filter((entry) => !earlier.some((e) => e.provider === entry.provider)),
    ];
    this.logger.warn(
      { movementId: movement.id, kind: movement.kind, excluded },
      'Re-routing a movement away from a provider that never answered for it',
    );
    // Kept on the movement: a provider it is re-routed away from is never tried for it again.
    await this.uow.run((tx) => this.movements.addMetadata(tx, movement.id, { excluded }));
    return this.dispatch(
      policy,
      { ...movement, metadata: { ...movement.metadata, excluded } },
      { ...this.routeRequestOfMovement(policy, movement), exclude: excluded },
      { skippedBefore: movement.skipped },
    );
  }

  /**
   * Asks the provider every ~100 ms (× the sandbox latency scale) whether an accepted transaction settled, for
   * at most `settleWaitMs`. Returns the last thing it said (still pending if it did not settle in time).
   */
  private async waitForSettlement(
    name: ProviderName,
    movementId: string,
    accepted: ProviderTransaction,
  ): Promise<ProviderTransaction> {
    const adapter = this.adapters.get(name);
    if (!adapter) return accepted;
    const { settleWaitMs, latencyScale, callTimeoutMs } = this.config.providers;
    const deadline = Date.now() + settleWaitMs;
    const interval = Math.max(10, Math.round(100 * latencyScale));
    let last = accepted;
    while (last.status === 'pending') {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      await sleep(Math.min(interval, remaining));
      try {
        const seen = await withDeadline(
          adapter.getTransactionStatus(movementId),
          Math.min(callTimeoutMs, Math.max(1, deadline - Date.now())),
        );
        if (seen) last = seen;
      } catch {
        // A status query that fails or times out is not an answer: keep the last one.
      }
    }
    return last;
  }

  /**
   * Step 3, SETTLE (also the webhook's and the poller's way in): applies what a provider said to the movement,
   * in one transaction with the row locked. Settled movements are never changed again. Completed: the ledger
   * is booked; failed: what the first step reserved is released; processing: the provider is recorded. The
   * outbox events and the client's idempotency record (its final answer) commit with it.
   */
  async apply(
    policy: MovementPolicy,
    movementId: string,
    observation: MovementObservation,
    options: ApplyOptions = {},
  ): Promise<ApplyResult> {
    return this.uow.run(async (tx) => {
      if (options.webhook) {
        const fresh = await this.webhooks.record(tx, {
          ...options.webhook,
          movementId,
          outcome: 'settled',
        });
        if (!fresh) {
          const current = await this.movements.findById(movementId, tx);
          if (!current) throw new Error(`Movement ${movementId} not found`);
          return {
            movement: current,
            response: policy.respond(current),
            changed: false,
            duplicateWebhook: true,
          };
        }
      }
      const outcome = async (value: WebhookOutcome) => {
        if (options.webhook) {
          await this.webhooks.setOutcome(tx, options.webhook.provider, options.webhook.webhookId, value);
        }
      };

      const current = await this.movements.lock(tx, movementId);
      if (!current) throw new Error(`Movement ${movementId} not found`);
      if (isSettled(current)) {
        await outcome('already_settled');
        return { movement: current, response: policy.respond(current), changed: false };
      }

      if (observation.kind === 'processing') {
        await outcome('still_pending');
        const updated = await this.movements.markProcessing(tx, movementId, {
          provider: observation.provider,
          providerTransactionId: observation.transaction?.providerTransactionId ?? null,
          providerStatus: observation.transaction?.providerStatus ?? null,
          skipped: options.skipped ?? current.skipped,
          nextPollAt: new Date(Date.now() + this.config.providers.pollIntervalMs),
          ...(options.metadata && { metadata: options.metadata }),
        });
        if (!updated) throw new Error(`Movement ${movementId} settled while locked`);
        const transitioned = current.status === 'pending';
        if (transitioned) {
          await this.outbox.append(tx, policy.events(updated, 'processing', { holdReleased: false }));
        }
        const response = policy.respond(updated);
        await this.answer(tx, updated, response);
        return { movement: updated, response, changed: transitioned };
      }

      const settledAt = new Date();
      const settlementTimeMs = settledAt.getTime() - current.createdAt.getTime();
      if (observation.kind === 'completed') {
        const { transaction } = observation;
        const mismatch = reportMismatch(current, transaction);
        if (mismatch) {
          // Never book money on a report that is not about this movement; an operator has to look.
          this.logger.error(
            { movementId, provider: observation.provider, mismatch },
            'Provider report disagrees with the movement; not settling it',
          );
          await outcome('mismatch');
          return { movement: current, response: policy.respond(current), changed: false };
        }
        const { fee, net } = policy.settlementAmounts(current, transaction);
        const settled = await this.movements.settle(tx, movementId, {
          status: 'completed',
          provider: observation.provider,
          providerTransactionId: transaction.providerTransactionId,
          providerStatus: transaction.providerStatus,
          fee,
          netAmount: net,
          skipped: options.skipped,
          failureCode: null,
          failureMessage: null,
          completedAt: settledAt,
          settlementTimeMs,
          expectedArrival: policy.expectedArrival?.(current, settledAt) ?? null,
        });
        if (!settled) throw new Error(`Movement ${movementId} settled while locked`);
        let booking: Booking;
        let parked: MovementException | null = null;
        try {
          booking = await this.uow.savepoint(tx, (inner) => policy.book(inner, settled, transaction));
        } catch (error) {
          // The provider completed it, but it cannot be booked where it belongs (the wallet cannot take it):
          // booked against suspense and shown to operators, never retried for ever.
          if (!isUnbookable(error)) throw error;
          parked = await this.park(tx, policy, settled, observation.provider, transaction, error);
          booking = { ledgerTransactionId: parked.suspenseTransactionId };
        }
        await this.movements.setLedgerTransaction(tx, movementId, booking.ledgerTransactionId);
        if (booking.metadata && Object.keys(booking.metadata).length > 0) {
          await this.movements.addMetadata(tx, movementId, booking.metadata);
        }
        let completed: Movement = {
          ...settled,
          ledgerTransactionId: booking.ledgerTransactionId,
          metadata: { ...settled.metadata, ...booking.metadata },
        };
        if (parked) {
          const review = await this.movements.markUnderReview(tx, movementId, {
            exceptionId: parked.id,
            code: parked.reasonCode,
            message: parked.reason,
          });
          if (!review) throw new Error(`Movement ${movementId} vanished while locked`);
          completed = review;
          await this.outbox.append(tx, [exceptionRaisedEvent(parked)]);
        } else {
          await this.outbox.append(tx, policy.events(completed, 'completed', { holdReleased: false }));
        }
        await options.inTransaction?.(tx, completed);
        const response = policy.respond(completed);
        await this.answer(tx, completed, response);
        return { movement: completed, response, changed: true };
      }

      const settled = await this.movements.settle(tx, movementId, {
        status: 'failed',
        provider: observation.provider,
        providerTransactionId: observation.transaction?.providerTransactionId ?? null,
        providerStatus: observation.transaction?.providerStatus ?? null,
        fee: null,
        netAmount: null,
        skipped: options.skipped,
        failureCode: observation.code,
        failureMessage: observation.message,
        completedAt: settledAt,
        settlementTimeMs,
        expectedArrival: null,
        metadata: observation.details ? { failureDetails: observation.details } : {},
      });
      if (!settled) throw new Error(`Movement ${movementId} settled while locked`);
      const holdReleased = await policy.release(tx, settled);
      await this.outbox.append(tx, policy.events(settled, 'failed', { holdReleased }));
      await options.inTransaction?.(tx, settled);
      const response = policy.respond(settled);
      if (options.releaseKey) await this.release(tx, settled);
      else await this.answer(tx, settled, response);
      return { movement: settled, response, changed: true };
    });
  }

  /**
   * Books a completed movement's provider side against suspense and records the exception (in the settling
   * transaction, after the refused booking's savepoint rolled back).
   */
  private async park(
    tx: EntityManager,
    policy: MovementPolicy,
    movement: Movement,
    provider: ProviderName,
    transaction: ProviderTransaction,
    error: unknown,
  ): Promise<MovementException> {
    const refusal = describeRefusal(error);
    const suspenseTransactionId = await this.ledger.parkInSuspense(
      tx,
      movement,
      provider,
      policy.providerEffect(movement, transaction),
    );
    const exception: MovementException = {
      id: newId(),
      movementId: movement.id,
      userId: movement.userId,
      kind: movement.kind,
      provider,
      currency: movement.currency,
      amount: movement.amount,
      reasonCode: refusal.code,
      reason: refusal.message,
      details: refusal.details,
      suspenseTransactionId,
      providerTransaction: transaction,
      status: 'open',
      resolution: null,
      createdAt: new Date(),
      resolvedAt: null,
    };
    await this.exceptions.insert(tx, exception);
    this.logger.error(
      { movementId: movement.id, exceptionId: exception.id, provider, code: refusal.code },
      'A provider completed a movement that cannot be booked where it belongs: booked to suspense, for an operator',
    );
    return exception;
  }

  /**
   * An operator's retry of an exception: in one transaction, the suspense booking is reversed and the movement
   * booked as it should have been (`book`, from the provider's stored report); its completion events go out and
   * its client's key gets the final answer. A booking still refused rolls everything back and is thrown (the
   * exception stays open).
   */
  async rebook(
    policy: MovementPolicy,
    exceptionId: string,
  ): Promise<{ exception: MovementException; movement: Movement }> {
    const result = await this.uow.run(async (tx) => {
      const exception = await this.exceptions.lock(tx, exceptionId);
      if (!exception) throw new MovementExceptionNotFoundError();
      if (exception.status !== 'open') throw new MovementExceptionResolvedError(exception.id);
      const movement = await this.movements.lock(tx, exception.movementId);
      if (!movement)
        throw new Error(`Movement ${exception.movementId} of exception ${exception.id} is missing`);
      const transaction = exception.providerTransaction;
      const reversalId = await this.ledger.reverse(tx, exception.suspenseTransactionId, movement.id);
      const booking = await policy.book(tx, movement, transaction);
      const { net } = policy.settlementAmounts(movement, transaction);
      const review = movement.metadata.exception as Record<string, unknown> | undefined;
      const rebooked = await this.movements.finishReview(tx, movement.id, {
        ledgerTransactionId: booking.ledgerTransactionId,
        netAmount: net,
        metadata: { ...booking.metadata, exception: { ...review, status: 'resolved' } },
      });
      if (!rebooked) throw new Error(`Movement ${movement.id} is not completed`);
      const resolved = await this.exceptions.resolve(tx, exception.id, {
        action: 'retry',
        ledgerTransactionId: booking.ledgerTransactionId,
        reversalTransactionId: reversalId,
      });
      if (!resolved) throw new MovementExceptionResolvedError(exception.id);
      const payload: MovementExceptionResolvedPayload = {
        exceptionId: exception.id,
        movementId: movement.id,
        resolution: 'booked',
        ledgerTransactionId: booking.ledgerTransactionId,
      };
      await this.outbox.append(tx, [
        ...policy.events(rebooked, 'completed', { holdReleased: false }),
        { type: 'MovementExceptionResolved', aggregateId: exception.id, userIds: [], payload },
      ]);
      await this.answer(tx, rebooked, policy.respond(rebooked));
      return { exception: resolved, movement: rebooked };
    });
    this.relay.nudge();
    return result;
  }

  /** The client's key gets the movement's answer as it now stands (201, 202 or 422). */
  private async answer(tx: EntityManager, movement: Movement, response: StoredResponse): Promise<void> {
    if (!movement.idempotencyKey) return;
    await this.keys.complete(
      tx,
      {
        userId: movement.userId,
        key: movement.idempotencyKey,
        scope: movement.idempotencyScope ?? '',
        body: null,
      },
      response,
    );
  }

  private async release(tx: EntityManager, movement: Movement): Promise<void> {
    if (!movement.idempotencyKey) return;
    await this.keys.release(tx, { userId: movement.userId, key: movement.idempotencyKey });
  }
}

/** What a provider's transaction means for the movement. */
export function observationOf(provider: ProviderName, transaction: ProviderTransaction): MovementObservation {
  if (transaction.status === 'completed') return { kind: 'completed', provider, transaction };
  if (transaction.status === 'failed') {
    const error = new ProviderFailedError(provider, transaction.failureReason);
    return {
      kind: 'failed',
      provider,
      transaction,
      code: error.code,
      message: error.message,
      ...(error.details && { details: error.details }),
    };
  }
  return { kind: 'processing', provider, transaction };
}

/**
 * An error of a booking that settling again would only repeat: a domain refusal (BALANCE_LIMIT_EXCEEDED, an
 * amount out of range …) or PostgreSQL's numeric_value_out_of_range. Not: the database being unavailable, a
 * serialization failure (retried whole), or a bug.
 */
function isUnbookable(error: unknown): boolean {
  if (error instanceof DomainError) return true;
  return (error as { driverError?: { code?: unknown } } | null)?.driverError?.code === '22003';
}

function describeRefusal(error: unknown): {
  code: string;
  message: string;
  details: Record<string, unknown>;
} {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, details: error.details ?? {} };
  }
  return {
    code: 'AMOUNT_OUT_OF_RANGE',
    message: 'An amount of this movement is beyond what the ledger holds',
    details: {},
  };
}

function exceptionRaisedEvent(exception: MovementException): OutboxMessage<'MovementExceptionRaised'> {
  const payload: MovementExceptionRaisedPayload = {
    exceptionId: exception.id,
    movementId: exception.movementId,
    kind: exception.kind,
    userId: exception.userId,
    provider: exception.provider,
    currency: exception.currency,
    amount: Money.of(exception.amount, exception.currency).toDecimalString(),
    reason: { code: exception.reasonCode, message: exception.reason },
    suspenseTransactionId: exception.suspenseTransactionId,
  };
  return { type: 'MovementExceptionRaised', aggregateId: exception.id, userIds: [], payload };
}

/** A refusal of a movement's first step (funds, limits): recorded as its outcome, never a bug. */
export function isRefusal(error: unknown): error is DomainError {
  return error instanceof DomainError && error.kind === 'unprocessable';
}

function toSkippedRecord(skip: SkippedProvider): SkippedProviderRecord {
  return skip.detail === undefined
    ? { provider: skip.provider, reason: skip.reason }
    : { provider: skip.provider, reason: skip.reason, detail: skip.detail };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The promise's value, or a rejection after `ms` (the promise itself is left to settle on its own). */
export function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
