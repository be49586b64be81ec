import type { EventBus } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import type { EventConsumers } from '../messaging/event-consumer';
import type { DomainEvent } from '../messaging/outbox';
import { OutboxRelay } from '../messaging/outbox-relay';
import { ParkedEvents } from '../messaging/parked-events';

/**
 * A relay for a spec: `consumers` apply in its transactions, what it publishes is pushed onto `published`, and it
 * runs no loop of its own (the spec calls `drain`).
 */
export function specRelay(
  dataSource: DataSource,
  consumers: EventConsumers,
  published: DomainEvent[],
): OutboxRelay {
  const eventBus = { publish: (event: DomainEvent) => published.push(event) } as unknown as EventBus;
  const config = { eventConsumers: { attempts: 3, backoffMs: 10 } } as AppConfig;
  return new OutboxRelay(
    dataSource,
    consumers,
    eventBus,
    false,
    new ParkedEvents(dataSource, consumers, config),
  );
}
