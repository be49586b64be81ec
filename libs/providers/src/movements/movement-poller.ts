import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, Clock } from '#monay/shared';
import { ambiguityOf, attemptStartedAt, isSettled, MovementFailure, type Movement } from '../domain/movement';
import { ProviderStuckError } from '../domain/movement.errors';
import type { ProviderName, ProviderTransaction } from '../domain/stablecoin-provider.port';
import { MovementRepository } from './movement.repository';
import { MovementEngine, observationOf, withDeadline } from './movement-engine';
import { MovementPolicies, type MovementPolicy } from './movement-policy';

/** What one poll did. */
export interface PollReport {
  checked: number;
  settled: number;
  stuck: number;
}

/** The longest a movement waits between two status checks once it has been checked a few times. */
const MAX_BACKOFF_MS = 60_000;

/**
 * Finishes movements the request could not (DESIGN.md, Jobs: provider status polling): those still
 * processing at a provider (Circle takes seconds; an ambiguous timeout), and those a crash left pending
 * after the first step. Safe to run in several processes at once: each poll claims its movements with
 * SKIP LOCKED and a lease, and settling is the engine's guarded, once-only `apply`.
 *
 * For each due movement it asks the recorded provider — or, when none was recorded, every provider that
 * supports the operation and currency — `getTransactionStatus(movement.id)`:
 * - completed / failed there → settled (booked, or released);
 * - pending there → left processing (a pending movement becomes processing and its client gets 202); past
 *   `pendingResolveAfterMs` it is logged loudly but never given up: money a provider accepted is never voided;
 * - not found at the provider it is recorded at (that provider timed out on it: its write may still land) →
 *   the same request is re-submitted there with the same key (the provider makes it once, or answers the one
 *   it has). A definite refusal of it, or `ambiguousQuarantineMs` after the timeout with the provider still
 *   saying "not found" after re-submissions, lets it be re-routed to the other providers; until then it stays;
 * - nowhere (no provider recorded, every provider asked said it has no such transaction) and older than the
 *   bound → failed PROVIDER_STUCK, its hold voided, the client's key answered 422;
 * - a provider that cannot answer → asked again later (an unknown is never taken for a no).
 */
@Injectable()
export class MovementPoller {
  private readonly logger = new Logger('ProviderPoller');

  constructor(
    private readonly movements: MovementRepository,
    private readonly engine: MovementEngine,
    private readonly policies: MovementPolicies,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async pollOnce(limit: number): Promise<PollReport> {
    const kinds = this.policies.kinds();
    const report: PollReport = { checked: 0, settled: 0, stuck: 0 };
    if (kinds.length === 0) return report;
    const lease = this.engine.routeBudgetMs;
    const due = await this.movements.claimDue(kinds, limit, lease);
    for (const movement of due) {
      report.checked += 1;
      try {
        const outcome = await this.check(movement);
        if (outcome === 'settled') report.settled += 1;
        if (outcome === 'stuck') report.stuck += 1;
      } catch (error) {
        // Left for the next poll (its lease runs out); one bad movement does not stop the others.
        this.logger.error({ movementId: movement.id, err: error }, 'Checking a provider movement failed');
      }
    }
    return report;
  }

  private async check(movement: Movement): Promise<'settled' | 'stuck' | 'waiting'> {
    const policy = this.policies.get(movement.kind);
    if (!policy) return 'waiting';
    // The bounds are rules of time: read on the application's clock (the sandbox clock outside production).
    const ageMs = this.clock.now().getTime() - attemptStartedAt(movement).getTime();
    const asked = movement.provider
      ? [movement.provider]
      : this.engine.adaptersFor(policy.operation, movement.currency).map((adapter) => adapter.name);

    let found: { provider: ProviderName; transaction: ProviderTransaction } | undefined;
    let unknown = false;
    for (const name of asked) {
      const adapter = this.engine.adapter(name);
      if (!adapter) {
        unknown = true;
        continue;
      }
      try {
        const transaction = await withDeadline(
          adapter.getTransactionStatus(movement.id),
          this.config.providers.callTimeoutMs,
        );
        if (transaction) {
          found = { provider: name, transaction };
          break;
        }
      } catch (error) {
        unknown = true;
        this.logger.warn({ movementId: movement.id, provider: name, err: error }, 'Status query failed');
      }
    }

    if (found) return this.follow(policy, movement, found.provider, found.transaction, ageMs);

    if (movement.provider) {
      // Recorded at a provider that has not answered for it: only that provider can, and "not found" so soon
      // after its timeout is no answer. Asked again (and re-submitted) until it answers or the quarantine ends.
      if (unknown) {
        await this.movements.reschedule(movement.id, this.nextCheck(movement));
        return 'waiting';
      }
      return this.resubmit(policy, movement, ageMs);
    }

    if (!unknown && ageMs > this.engine.stuckAfterMs) {
      const error = new ProviderStuckError();
      const result = await this.engine.apply(policy, movement.id, {
        kind: 'failed',
        provider: movement.provider,
        code: MovementFailure.PROVIDER_STUCK,
        message: error.message,
      });
      if (result.changed) {
        this.logger.warn(
          { movementId: movement.id, kind: movement.kind, asked, ageMs },
          'No provider has this movement long after it was recorded: failed, its hold released',
        );
        return 'stuck';
      }
      return 'settled';
    }
    await this.movements.reschedule(movement.id, this.nextCheck(movement));
    return 'waiting';
  }

  /** What a provider said it has: settled on it, or followed while it is pending there. */
  private async follow(
    policy: MovementPolicy,
    movement: Movement,
    provider: ProviderName,
    transaction: ProviderTransaction,
    ageMs: number,
  ): Promise<'settled' | 'waiting'> {
    if (transaction.status !== 'pending' || movement.status === 'pending') {
      const result = await this.engine.apply(policy, movement.id, observationOf(provider, transaction));
      if (isSettled(result.movement)) return 'settled';
    }
    if (ageMs > this.engine.stuckAfterMs) {
      this.logger.error(
        {
          movementId: movement.id,
          provider,
          providerStatus: transaction.providerStatus,
          ageMs,
          boundMs: this.config.providers.pendingResolveAfterMs,
        },
        'Provider still has this movement pending past the resolve bound; asking again (never voided while a provider has it)',
      );
    }
    await this.movements.reschedule(movement.id, this.nextCheck(movement), {
      provider,
      providerTransactionId: transaction.providerTransactionId,
      providerStatus: transaction.providerStatus,
    });
    return 'waiting';
  }

  /**
   * The provider the movement is recorded at says it has no such transaction: the same request goes to it
   * again, same key. It is re-routed only on a definite refusal, or once the quarantine since the timeout is
   * over with the provider still saying "not found".
   */
  private async resubmit(
    policy: MovementPolicy,
    movement: Movement,
    ageMs: number,
  ): Promise<'settled' | 'waiting'> {
    const provider = movement.provider!;
    const resubmitted = await this.engine.resubmit(policy, movement);
    if (resubmitted.kind === 'accepted') {
      return this.follow(policy, movement, provider, resubmitted.value, ageMs);
    }
    const since = (ambiguityOf(movement)?.since ?? movement.updatedAt).getTime();
    const quarantinedMs = this.clock.now().getTime() - since;
    if (resubmitted.kind === 'refused' || quarantinedMs >= this.config.providers.ambiguousQuarantineMs) {
      const detail =
        resubmitted.kind === 'refused'
          ? `${provider} refused the same request after timing out on it: ${resubmitted.error.message}`
          : `${provider} timed out on it and still had no such transaction ${quarantinedMs} ms later, after re-submissions`;
      const { result } = await this.engine.failover(policy, movement, [{ provider, detail }]);
      return isSettled(result.movement) ? 'settled' : 'waiting';
    }
    this.logger.warn(
      { movementId: movement.id, provider, quarantinedMs, err: resubmitted.error },
      'The provider a movement timed out at still has no such transaction; re-submitted, asking again',
    );
    await this.movements.reschedule(movement.id, this.nextCheck(movement));
    return 'waiting';
  }

  /** Every poll interval at first, then rarer as the movement gets older (a quarter of its age), at most a minute apart. */
  private nextCheck(movement: Movement): Date {
    const { pollIntervalMs } = this.config.providers;
    const ageMs = Date.now() - attemptStartedAt(movement).getTime();
    const delay = Math.min(
      Math.max(pollIntervalMs, Math.floor(ageMs / 4)),
      Math.max(MAX_BACKOFF_MS, pollIntervalMs),
    );
    return new Date(Date.now() + delay);
  }
}
