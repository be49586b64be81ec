import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventConsumers, type DomainEvent, type MoneyMovementEventName } from '#monay/shared';
import { historyOf, minor, MONEY_MOVEMENT_EVENT_TYPES } from './history';
import { InsightsRepository, type ActivityRow } from './insights.repository';
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

  apply(tx: EntityManager, event: DomainEvent<MoneyMovementEventName>): Promise<void> {
    return this.applyAll(tx, [event]);
  }

  /**
   * A batch in one statement per "wave": a line that appears more than once in the batch (processing, then
   * completed) is written once per appearance, in order, so the upsert never meets the same row twice.
   */
  async applyAll(
    tx: EntityManager,
    events: ReadonlyArray<DomainEvent<MoneyMovementEventName>>,
  ): Promise<void> {
    const waves: ActivityRow[][] = [];
    const seen = new Map<string, number>();
    for (const event of events) {
      const occurredAt = new Date(event.occurredAt);
      for (const line of historyOf(event).lines) {
        const appearance = seen.get(line.lineId) ?? 0;
        seen.set(line.lineId, appearance + 1);
        (waves[appearance] ??= []).push({
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
        });
      }
    }
    for (const rows of waves) await this.repository.upsertActivity(tx, rows);
  }
}
