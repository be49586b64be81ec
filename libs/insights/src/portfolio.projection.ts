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

  async apply(tx: EntityManager, event: DomainEvent<MoneyMovementEventName>): Promise<void> {
    for (const { userId, currency, delta } of historyOf(event).posted) {
      if (delta !== 0n) await this.repository.addToPortfolio(tx, userId, currency, delta);
    }
  }
}
