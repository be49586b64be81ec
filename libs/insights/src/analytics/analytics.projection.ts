import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventConsumers, type DomainEvent, type MoneyMovementEventName } from '#monay/shared';
import { historyOf, MONEY_MOVEMENT_EVENT_TYPES, type MovementView } from '../history';
import { Projection } from '../projection';
import { MovementAnalytics } from './movement-analytics';

export type AnalyticsEventName = MoneyMovementEventName | 'TimeZoneChanged';

const ANALYTICS_EVENT_TYPES: ReadonlySet<AnalyticsEventName> = new Set<AnalyticsEventName>([
  ...MONEY_MOVEMENT_EVENT_TYPES,
  'TimeZoneChanged',
]);

/**
 * Spending analytics' read models: every money movement's lines ({@link historyOf}) classified, valued in USD at
 * the price of their day, and summed per user and local day (analytics_daily); a user's time zone change
 * re-buckets their days. Idempotent through the relay's processed_events; `npm run projections:rebuild` replays it.
 */
@Injectable()
export class AnalyticsProjection extends Projection<AnalyticsEventName> {
  readonly name = 'insights.analytics';
  readonly types = ANALYTICS_EVENT_TYPES;

  constructor(
    private readonly analytics: MovementAnalytics,
    consumers: EventConsumers,
  ) {
    super(consumers);
  }

  apply(tx: EntityManager, event: DomainEvent<AnalyticsEventName>): Promise<void> {
    return this.applyAll(tx, [event]);
  }

  /** A batch in journal order: movements written together, a time zone change in its place between them. */
  async applyAll(tx: EntityManager, events: ReadonlyArray<DomainEvent<AnalyticsEventName>>): Promise<void> {
    await this.analytics.serialise(tx);
    let movements: Array<{ view: MovementView; occurredAt: Date }> = [];
    for (const event of events) {
      if (event.type === 'TimeZoneChanged') {
        await this.analytics.recordAll(tx, movements);
        movements = [];
        await this.analytics.changeTimeZone(tx, event.payload.userId, event.payload.timezone);
      } else {
        movements.push({ view: historyOf(event), occurredAt: new Date(event.occurredAt) });
      }
    }
    await this.analytics.recordAll(tx, movements);
  }
}
