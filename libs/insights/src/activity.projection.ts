import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventConsumers, type DomainEvent, type MoneyMovementEventName } from '#monay/shared';
import { historyOf, minor, MONEY_MOVEMENT_EVENT_TYPES } from './history';
import { InsightsRepository } from './insights.repository';
import { Projection } from './projection';

/**
 * Each user's transaction history: the lines {@link historyOf} gives every money movement event. A line whose
 * movement goes on (a deposit, withdrawal, external transfer or swap: processing → completed | failed) keeps its
 * place and id and follows it; a final line never changes.
 */
@Injectable()
export class ActivityProjection extends Projection<MoneyMovementEventName> {
  readonly name = 'insights.activity';
  readonly types = MONEY_MOVEMENT_EVENT_TYPES;

  constructor(
    private readonly repository: InsightsRepository,
    consumers: EventConsumers,
  ) {
    super(consumers);
  }

  async apply(tx: EntityManager, event: DomainEvent<MoneyMovementEventName>): Promise<void> {
    const occurredAt = new Date(event.occurredAt);
    const rows = historyOf(event).lines.map((line) => ({
      id: line.lineId,
      userId: line.userId,
      type: line.type,
      referenceId: line.referenceId,
      batchId: line.batchId,
      counterpartyUserId: line.counterpartyUserId,
      counterpartyDisplay: line.counterpartyDisplay,
      currency: line.currency,
      amount: minor(line.amount, line.currency),
      fee: minor(line.fee, line.currency),
      status: line.status,
      failureCode: line.failureCode,
      note: line.note,
      occurredAt,
    }));
    await this.repository.upsertActivity(tx, rows);
  }
}
