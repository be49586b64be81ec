import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventConsumers, type DomainEvent, type MoneyMovementEventName } from '#monay/shared';
import { historyOf, MONEY_MOVEMENT_EVENT_TYPES } from '../history';
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

  async apply(tx: EntityManager, event: DomainEvent<AnalyticsEventName>): Promise<void> {
    if (event.type === 'TimeZoneChanged') {
      await this.analytics.changeTimeZone(tx, event.payload.userId, event.payload.timezone);
      return;
    }
    await this.analytics.record(tx, historyOf(event), new Date(event.occurredAt));
  }
}
