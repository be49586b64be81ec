import { ModuleRef } from '@nestjs/core';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import type { EntityManager } from 'typeorm';
import { Money, type CurrencyCode, type DomainError } from '#monay/kernel';
import {
  newId,
  IdempotencyStore,
  OutboxRelay,
  OutboxWriter,
  UnitOfWork,
  type IdempotentRequest,
  type IdempotentResult,
  type StoredResponse,
} from '#monay/shared';
import { WalletReports, WalletAccess, type Wallet } from '#monay/wallet';
import { isExternalAddress, normalizeAddress, type ExternalLegRecord } from '../../domain/external-transfer';
import { InvalidExternalAddressError } from '../../domain/external-transfer.errors';
import type { Movement } from '../../domain/movement';
import { NoProviderAvailableError } from '../../domain/providers.errors';
import type { ProviderName } from '../../domain/stablecoin-provider.port';
import { MovementRepository } from '../movement.repository';
import { ProviderRouter } from '../../routing/provider-router';
import type { RouteRequest, SkippedProvider } from '../../routing/routing.types';
import { ExternalBatchPolicy } from './external-batch.policy';
import { ExternalTransferPolicy } from '../send-external-transfer/external-transfer.policy';
import { isRefusal, MovementEngine } from '../movement-engine';
import { batchAnswer, readStoredBatch, type InternalSection } from './external-batch-answer';
import { INTERNAL_BATCH_BOOKING, type InternalBatchBooking } from './internal-batch-booking.port';
import {
  SendExternalBatchCommand,
  type BatchRecipientResult,
  type ExternalBatchLeg,
} from './send-external-batch.command';

/** External legs (or provider batches) sent at once. */
const CONCURRENCY = 4;

type Routing = { preferred?: ProviderName; smartRouting?: boolean };

/** An external leg as planned before the request's transaction. */
interface PlannedLeg extends ExternalBatchLeg {
  /** Its `transferOut` route if it goes on its own. */
  route: RouteRequest;
  /** What its own hold covers on top of the amount: the highest `transferOut` fee among its candidates. */
  feeHeld: bigint;
  /** Who could take it on its own: nobody when empty. */
  candidates: ProviderName[];
  skipped: SkippedProvider[];
}

/** The external legs in one currency. */
interface PlannedGroup {
  currency: CurrencyCode;
  legs: PlannedLeg[];
  /** One provider batch (a native batch provider may take it), or null: one external transfer per leg. */
  native: { route: RouteRequest; total: Money; feeHeld: bigint } | null;
}

/** A group as it goes: its provider batch (if any) and the movement each leg travels in now. */
interface GroupRun {
  plan: PlannedGroup;
  batch: Movement | null;
  legs: Array<{ planned: PlannedLeg; movement: Movement }>;
}

/** The request once its first transaction committed. */
interface BatchRun {
  request: IdempotentRequest;
  userId: string;
  wallet: Wallet;
  routing: Routing;
  batchId: string;
  recipientCount: number;
  internal: InternalSection | null;
  internalResults: BatchRecipientResult[];
  groups: GroupRun[];
}

/**
 * A batch request with external (0x) recipients, in three steps, never a provider call inside a transaction.
 *
 * 1. BEGIN, one transaction: the client's key is claimed; then, in one savepoint, the internal part is booked
 *    (all or nothing, Monay's fee once, limits counted), the external part is counted against the limits once
 *    (its amounts + the fees held) and held: per currency, ONE provider batch movement holding Σ legs + a fee
 *    that covers sending every leg on its own should the batch provider be down (so that the fallback never
 *    lacks funds the request reserved), or — when no native batch provider is up — one external transfer
 *    movement per leg, each holding its amount + its highest candidate fee. If anything is refused (funds,
 *    limits: the sender cannot cover internal + external + fees), the savepoint rolls back and the WHOLE
 *    request is refused: recorded (internal legs failed, the external part as failed movements), answered
 *    422, kept for the key. Nothing moved. Otherwise the key is completed with a provisional answer (202,
 *    every leg and the movement carrying it) in that same transaction.
 * 2. ROUTE, no transaction: each provider batch goes to the router (`batchTransfer`: Tempo only). If no
 *    provider takes it (down, breaker open, refused), it is failed PROVIDER_UNAVAILABLE and, in that same
 *    settling transaction, its hold is released and one external transfer movement per leg is recorded and
 *    held (the key's answer updated to name them); they then go one by one through the fallback providers
 *    (`transferOut`), each with its own status, hold and fee. A batch the provider accepted and then failed
 *    is not sent again: its legs fail (their funds released).
 * 3. ANSWER, one transaction: the key gets the final answer: per-recipient results and totals.
 *
 * Idempotency: one client key for the whole request. The key, the internal booking, the external movements
 * and their holds commit together in step 1, so a retry with the key either finds nothing (nothing was
 * recorded, nothing sent: it runs afresh) or finds the stored answer and sends nothing again. Money leaves
 * only in step 2, for movements recorded in step 1 (or in the fallback's settling transaction), each with its
 * movement id as OUR idempotency key at every provider: the router never pays one twice. A replay while a
 * provider is still working answers the request as it stands (the movements are read again); if the process
 * dies between the steps, the poller finishes every movement (or fails one no provider has, releasing its
 * hold), and the next replay of the key answers with how they ended.
 */
@CommandHandler(SendExternalBatchCommand)
export class SendExternalBatchHandler implements ICommandHandler<SendExternalBatchCommand> {
  constructor(
    private readonly engine: MovementEngine,
    private readonly batchPolicy: ExternalBatchPolicy,
    private readonly transferPolicy: ExternalTransferPolicy,
    private readonly router: ProviderRouter,
    private readonly movements: MovementRepository,
    private readonly wallets: WalletAccess,
    private readonly keys: IdempotencyStore,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly walletReports: WalletReports,
    private readonly modules: ModuleRef,
  ) {}

  /** The context that books internal recipients (transfers), found when a batch first has some. */
  private internalBooking(): InternalBatchBooking {
    return this.modules.get<InternalBatchBooking>(INTERNAL_BATCH_BOOKING, { strict: false });
  }

  async execute(command: SendExternalBatchCommand): Promise<IdempotentResult> {
    if (command.external.length === 0) throw new Error('A batch with no external recipient is not for here');
    for (const leg of command.external) {
      if (!isExternalAddress(leg.to.trim()))
        throw new InvalidExternalAddressError(`recipients.${leg.index}.to`);
    }
    const request: IdempotentRequest = {
      userId: command.userId,
      key: command.idempotency.key,
      scope: command.idempotency.scope,
      body: command.idempotency.body,
    };
    const wallet = await this.wallets.ensureWallet(command.userId);
    const preferences = await this.walletReports.preferences(command.userId);
    const routing: Routing = {
      ...(preferences.preferredProvider && { preferred: preferences.preferredProvider }),
      smartRouting: preferences.smartRouting,
    };
    const groups = this.plan(command.external, routing);

    const begun = await this.uow.run((tx) => this.begin(tx, command, request, wallet, routing, groups));
    this.relay.nudge();
    if ('replay' in begun) return this.replay(request, begun.replay);
    if ('answered' in begun) return { ...begun.answered, replayed: false };
    const run = begun.run;
    try {
      await inParallel(
        run.groups.map((group) => () => (group.batch ? this.sendBatch(run, group) : this.sendLegs(group))),
        CONCURRENCY,
      );
    } finally {
      this.relay.nudge();
    }
    const response = answerOf(run);
    await this.uow.run((tx) => this.keys.complete(tx, request, response));
    return { ...response, replayed: false };
  }

  /** Who could take each currency's legs, as one provider batch or one by one (no call is made). */
  private plan(legs: ExternalBatchLeg[], routing: Routing): PlannedGroup[] {
    const byCurrency = new Map<CurrencyCode, ExternalBatchLeg[]>();
    for (const leg of legs) {
      const code = leg.amount.currency.code;
      byCurrency.set(code, [...(byCurrency.get(code) ?? []), leg]);
    }
    return [...byCurrency].map(([currency, group]) => {
      const planned = group.map((leg): PlannedLeg => {
        const route: RouteRequest = {
          operation: 'transferOut',
          currency,
          amount: leg.amount,
          urgency: 'standard',
          ...routing,
        };
        const plan = this.router.plan(route);
        return {
          ...leg,
          to: normalizeAddress(leg.to),
          route,
          feeHeld: this.engine.highestFee('transferOut', leg.amount, plan),
          candidates: plan.candidates,
          skipped: plan.skipped,
        };
      });
      const total = Money.sum(
        planned.map((leg) => leg.amount),
        currency,
      );
      let native: PlannedGroup['native'] = null;
      if (planned.length > 1) {
        const route: RouteRequest = {
          operation: 'batchTransfer',
          currency,
          amount: total,
          urgency: 'standard',
          legs: planned.length,
          ...routing,
        };
        const plan = this.router.plan(route);
        if (plan.candidates.length > 0) {
          const batchFee = this.engine.highestFee('batchTransfer', total, plan, planned.length);
          const oneByOne = planned.reduce((sum, leg) => sum + leg.feeHeld, 0n);
          native = { route, total, feeHeld: batchFee > oneByOne ? batchFee : oneByOne };
        }
      }
      return { currency, legs: planned, native };
    });
  }

  /** Step 1 (see the class): the key, the internal booking, the external holds and a provisional answer. */
  private async begin(
    tx: EntityManager,
    command: SendExternalBatchCommand,
    request: IdempotentRequest,
    wallet: Wallet,
    routing: Routing,
    groups: PlannedGroup[],
  ): Promise<{ replay: StoredResponse } | { answered: StoredResponse } | { run: BatchRun }> {
    const claim = await this.keys.claim(tx, request);
    if (claim.outcome === 'replay') return { replay: claim.response };
    // Nobody can take some leg right now: nothing is recorded (the claim rolls back), the key may be retried.
    const stranded = groups
      .flatMap((group) => (group.native ? [] : group.legs))
      .find((leg) => leg.candidates.length === 0);
    if (stranded) throw new NoProviderAvailableError(stranded.skipped);

    const batchId = newId();
    const now = new Date();
    try {
      return await this.uow.savepoint(tx, async (inner) => {
        const booked = command.internal
          ? await this.internalBooking().book(inner, command.internal, batchId)
          : null;
        let usd = Money.zero('USD');
        for (const group of groups) {
          const held = group.native
            ? group.native.total.minor + group.native.feeHeld
            : group.legs.reduce((sum, leg) => sum + leg.amount.minor + leg.feeHeld, 0n);
          usd = usd.plus(this.wallets.usdValue(Money.of(held, group.currency)));
        }
        await this.wallets.consumeLimits(inner, wallet, usd);

        const runs: GroupRun[] = [];
        for (const group of groups) {
          if (group.native) {
            const draft = this.draftBatch(command.userId, routing, batchId, group, now);
            await this.engine.record(inner, draft);
            const batch = await this.engine.reserve(inner, this.batchPolicy, draft, {
              wallet,
              feeHeld: group.native.feeHeld,
              consumeLimits: false,
            });
            await this.outbox.append(
              inner,
              this.batchPolicy.events(batch, 'requested', { holdReleased: false }),
            );
            runs.push({
              plan: group,
              batch,
              legs: group.legs.map((planned) => ({ planned, movement: batch })),
            });
          } else {
            const legs: GroupRun['legs'] = [];
            for (const planned of group.legs) {
              const draft = this.draftLeg(command.userId, routing, batchId, planned, now);
              await this.engine.record(inner, draft);
              const movement = await this.engine.reserve(inner, this.transferPolicy, draft, {
                wallet,
                feeHeld: planned.feeHeld,
                consumeLimits: false,
              });
              await this.outbox.append(
                inner,
                this.transferPolicy.events(movement, 'requested', { holdReleased: false }),
              );
              legs.push({ planned, movement });
            }
            runs.push({ plan: group, batch: null, legs });
          }
        }
        const run: BatchRun = {
          request,
          userId: command.userId,
          wallet,
          routing,
          batchId,
          recipientCount: command.recipientCount,
          internal: booked && {
            fee: booked.fee,
            feeCurrency: booked.feeCurrency,
            ledgerTransactionId: booked.ledgerTransactionId,
            transfers: booked.transfers,
          },
          internalResults: booked?.results ?? [],
          groups: runs,
        };
        await this.keys.complete(inner, request, answerOf(run));
        return { run };
      });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      return { answered: await this.refuse(tx, command, request, routing, groups, batchId, error) };
    }
  }

  /**
   * The whole request refused (funds, limits): nothing was held or booked (the savepoint rolled back). The
   * internal legs are recorded failed by their context, the external part as failed movements (as it would
   * have gone: one provider batch per currency, or one transfer per leg), and the answer kept for the key.
   */
  private async refuse(
    tx: EntityManager,
    command: SendExternalBatchCommand,
    request: IdempotentRequest,
    routing: Routing,
    groups: PlannedGroup[],
    batchId: string,
    error: DomainError,
  ): Promise<StoredResponse> {
    const failure = { code: error.code, message: error.message };
    const runs: GroupRun[] = [];
    for (const group of groups) {
      if (group.native) {
        const draft = this.draftBatch(command.userId, routing, batchId, group, new Date());
        await this.engine.record(tx, draft);
        const batch = await this.engine.refuse(tx, this.batchPolicy, draft, error);
        runs.push({ plan: group, batch, legs: group.legs.map((planned) => ({ planned, movement: batch })) });
      } else {
        const legs: GroupRun['legs'] = [];
        for (const planned of group.legs) {
          const draft = this.draftLeg(command.userId, routing, batchId, planned, new Date());
          await this.engine.record(tx, draft);
          legs.push({ planned, movement: await this.engine.refuse(tx, this.transferPolicy, draft, error) });
        }
        runs.push({ plan: group, batch: null, legs });
      }
    }
    const internalResults: BatchRecipientResult[] = [];
    if (command.internal) {
      await this.internalBooking().refuse(tx, command.internal, batchId, error);
      for (const leg of command.internal.legs) {
        internalResults.push({
          index: leg.index,
          to: leg.to,
          kind: 'internal',
          status: 'failed',
          amount: leg.amount.toDecimalString(),
          currency: leg.amount.currency.code,
          transferId: null,
          movementId: null,
          fee: null,
          provider: null,
          error: failure,
        });
      }
    }
    const response = batchAnswer({
      batchId,
      recipientCount: command.recipientCount,
      internal: null,
      internalResults,
      legs: legStates(runs),
      batches: runs.flatMap((group) => (group.batch ? [group.batch] : [])),
      refusal: error.details ? { ...failure, details: error.details } : failure,
    });
    await this.keys.complete(tx, request, response);
    return response;
  }

  /**
   * Step 2 for a provider batch: one `batchTransfer` call. If no provider takes it, its settling transaction
   * also turns it into one held external transfer per leg, which then go one by one.
   */
  private async sendBatch(run: BatchRun, group: GroupRun): Promise<void> {
    const batch = group.batch;
    const native = group.plan.native;
    if (!batch || !native) return;
    let fallback: GroupRun['legs'] = [];
    const { result, unavailable } = await this.engine.dispatch(this.batchPolicy, batch, native.route, {
      inTransaction: async (tx, failed) => {
        fallback = []; // the transaction may be retried whole (serialization failure): start afresh
        for (const { planned } of group.legs) {
          fallback.push({ planned, movement: await this.holdLeg(tx, run, planned, failed.id) });
        }
        // From here on a replay of the key finds the movements that now carry the legs.
        await this.keys.complete(tx, run.request, answerOf(run, { group, batch: failed, legs: fallback }));
      },
    });
    group.batch = result.movement;
    if (unavailable && result.changed) {
      group.legs = fallback;
      await this.sendLegs(group);
    } else {
      group.legs = group.legs.map((leg) => ({ ...leg, movement: result.movement }));
    }
  }

  /** Step 2 for legs that go on their own: each through the router (`transferOut`), a few at a time. */
  private async sendLegs(group: GroupRun): Promise<void> {
    await inParallel(
      group.legs.map((leg) => async () => {
        if (leg.movement.status !== 'pending') return; // refused when it was held: nothing to send
        const { result } = await this.engine.dispatch(this.transferPolicy, leg.movement, leg.planned.route);
        leg.movement = result.movement;
      }),
      CONCURRENCY,
    );
  }

  /** A fallback leg recorded and held in the caller's transaction (failed if its funds are gone meanwhile). */
  private async holdLeg(
    tx: EntityManager,
    run: BatchRun,
    planned: PlannedLeg,
    fallbackFrom: string,
  ): Promise<Movement> {
    const draft = this.draftLeg(run.userId, run.routing, run.batchId, planned, new Date(), fallbackFrom);
    await this.engine.record(tx, draft);
    try {
      const movement = await this.engine.reserve(tx, this.transferPolicy, draft, {
        wallet: run.wallet,
        feeHeld: planned.feeHeld,
        consumeLimits: false,
      });
      await this.outbox.append(
        tx,
        this.transferPolicy.events(movement, 'requested', { holdReleased: false }),
      );
      return movement;
    } catch (error) {
      if (!isRefusal(error)) throw error;
      return this.engine.refuse(tx, this.transferPolicy, draft, error);
    }
  }

  private draftBatch(
    userId: string,
    routing: Routing,
    batchId: string,
    group: PlannedGroup,
    now: Date,
  ): Movement {
    const legs: ExternalLegRecord[] = group.legs.map((leg) => ({
      index: leg.index,
      to: leg.to,
      amount: leg.amount.minor.toString(),
      note: leg.note,
    }));
    return this.engine.draft(
      this.batchPolicy,
      {
        userId,
        idempotency: null,
        amount:
          group.native?.total ??
          Money.sum(
            group.legs.map((leg) => leg.amount),
            group.currency,
          ),
        speed: 'standard',
        routing: { ...routing, legs: legs.length },
        metadata: { batchId, legs },
      },
      now,
    );
  }

  private draftLeg(
    userId: string,
    routing: Routing,
    batchId: string,
    leg: PlannedLeg,
    now: Date,
    fallbackFrom?: string,
  ): Movement {
    return this.engine.draft(
      this.transferPolicy,
      {
        userId,
        idempotency: null,
        amount: leg.amount,
        speed: 'standard',
        destination: leg.to,
        routing,
        metadata: {
          batchId,
          legIndex: leg.index,
          note: leg.note,
          ...(fallbackFrom && { fallbackFrom }),
        },
      },
      now,
    );
  }

  /**
   * A replay of the key. A request still under way when its answer was stored (202) is answered as it stands
   * now: its movements are read again (and a final answer is kept for the next replay).
   */
  private async replay(request: IdempotentRequest, stored: StoredResponse): Promise<IdempotentResult> {
    const read = stored.status === 202 ? readStoredBatch(stored.body) : null;
    if (!read) return { ...stored, replayed: true };
    const found = new Map<string, Movement>();
    for (const id of new Set([...read.legs.map((leg) => leg.movementId), ...read.batchIds])) {
      const movement = await this.movements.findById(id);
      if (!movement) return { ...stored, replayed: true };
      found.set(id, movement);
    }
    const response = batchAnswer({
      ...read.input,
      legs: read.legs.map(({ movementId, ...leg }) => ({ ...leg, movement: found.get(movementId)! })),
      batches: read.batchIds.map((id) => found.get(id)!),
    });
    if (response.status !== 202) await this.uow.run((tx) => this.keys.complete(tx, request, response));
    return { ...response, replayed: true };
  }
}

/** The request's answer as it stands (with one group's batch and legs replaced, for the fallback's answer). */
function answerOf(
  run: BatchRun,
  replace?: { group: GroupRun; batch: Movement; legs: GroupRun['legs'] },
): StoredResponse {
  const groups = run.groups.map((group) =>
    replace && group === replace.group ? { ...group, batch: replace.batch, legs: replace.legs } : group,
  );
  return batchAnswer({
    batchId: run.batchId,
    recipientCount: run.recipientCount,
    internal: run.internal,
    internalResults: run.internalResults,
    legs: legStates(groups),
    batches: groups.flatMap((group) => (group.batch ? [group.batch] : [])),
  });
}

function legStates(groups: GroupRun[]) {
  return groups.flatMap((group) =>
    group.legs.map(({ planned, movement }) => ({
      index: planned.index,
      to: planned.to,
      amount: planned.amount.toDecimalString(),
      currency: group.plan.currency,
      movement,
    })),
  );
}

/** Runs `tasks`, at most `limit` at a time; the first failure is thrown once every started task has ended. */
async function inParallel(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next];
      next += 1;
      try {
        await task();
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
