import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '#monay/shared';
import { MovementFailure, type Movement } from '../../domain/movement';
import { ProviderStuckError } from '../../domain/movement.errors';
import type { ProviderName, ProviderTransaction } from '../../domain/stablecoin-provider.port';
import { MovementRepository } from '../../infrastructure/movements/movement.repository';
import { MovementEngine, observationOf, withDeadline } from './movement-engine';
import { MovementPolicies } from './movement-policy';

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
 * - nowhere (every provider asked said it has no such transaction) and older than the bound → failed
 *   PROVIDER_STUCK, its hold voided, the client's key answered 422;
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
    const ageMs = Date.now() - movement.createdAt.getTime();
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

    if (found) {
      const { provider, transaction } = found;
      if (transaction.status !== 'pending' || movement.status === 'pending') {
        const result = await this.engine.apply(policy, movement.id, observationOf(provider, transaction));
        if (result.movement.status === 'completed' || result.movement.status === 'failed') return 'settled';
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

  /** Every poll interval at first, then rarer as the movement gets older (a quarter of its age), at most a minute apart. */
  private nextCheck(movement: Movement): Date {
    const { pollIntervalMs } = this.config.providers;
    const ageMs = Date.now() - movement.createdAt.getTime();
    const delay = Math.min(
      Math.max(pollIntervalMs, Math.floor(ageMs / 4)),
      Math.max(MAX_BACKOFF_MS, pollIntervalMs),
    );
    return new Date(Date.now() + delay);
  }
}
