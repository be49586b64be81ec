import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventConsumers, type DomainEvent, type MoneyMovementEventName } from '#monay/shared';
import { historyOf, MONEY_MOVEMENT_EVENT_TYPES } from './history';
import { InsightsRepository } from './insights.repository';
import { Projection } from './projection';

/**
 * Each user's total per currency: the posted deltas {@link historyOf} gives every money movement event (equal to
 * the ledger's POSTED balance after every event). A hold moves nothing posted (it lowers what is available).
 */
@Injectable()
export class PortfolioProjection extends Projection<MoneyMovementEventName> {
  readonly name = 'insights.portfolio';
  readonly types = MONEY_MOVEMENT_EVENT_TYPES;

  constructor(
    private readonly repository: InsightsRepository,
    consumers: EventConsumers,
  ) {
    super(consumers);
  }

  apply(tx: EntityManager, event: DomainEvent<MoneyMovementEventName>): Promise<void> {
    return this.applyAll(tx, [event]);
  }

  /** A batch's posted deltas summed per user and currency (additions commute), written in one statement. */
  async applyAll(
    tx: EntityManager,
    events: ReadonlyArray<DomainEvent<MoneyMovementEventName>>,
  ): Promise<void> {
    const totals = new Map<string, { userId: string; currency: string; delta: bigint }>();
    for (const event of events) {
      for (const { userId, currency, delta } of historyOf(event).posted) {
        const key = `${userId}:${currency}`;
        const total = totals.get(key) ?? { userId, currency, delta: 0n };
        total.delta += delta;
        totals.set(key, total);
      }
    }
    const changes = [...totals.entries()]
      .filter(([, t]) => t.delta !== 0n)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, t]) => t);
    await this.repository.addToPortfolioMany(tx, changes);
  }
}
