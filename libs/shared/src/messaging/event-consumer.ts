import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEventName } from './domain-events';
import type { DomainEvent } from './outbox';

/**
 * A consumer that must see every event exactly once in effect (projections, read models, notifications). The
 * relay calls it inside the transaction that marks the events published, so its writes and the mark commit
 * together; a failure leaves the events unpublished and they come again. It names the events it takes (`types`)
 * and receives only those, typed.
 */
export interface EventConsumer<K extends DomainEventName = DomainEventName> {
  readonly name: string;
  readonly types: ReadonlySet<K>;
  apply(tx: EntityManager, event: DomainEvent<K>): Promise<void>;
  /**
   * Optional: applies a batch of its events at once, in journal order, with the same effect as `apply` on each in
   * turn (a read model that writes a batch in a few statements instead of a few per event). The relay and the
   * replay use it when it is there.
   */
  applyAll?(tx: EntityManager, events: ReadonlyArray<DomainEvent<K>>): Promise<void>;
}

/** Hands `events` (all of them `consumer`'s, in order) to the consumer: in one call when it takes batches. */
export async function applyInOrder<K extends DomainEventName>(
  consumer: EventConsumer<K>,
  tx: EntityManager,
  events: ReadonlyArray<DomainEvent<K>>,
): Promise<void> {
  if (events.length === 0) return;
  if (consumer.applyAll) {
    await consumer.applyAll(tx, events);
    return;
  }
  for (const event of events) await consumer.apply(tx, event);
}

/** Whether `consumer` takes `event`, narrowing the event to the consumer's types. */
export function consumes<K extends DomainEventName>(
  consumer: EventConsumer<K>,
  event: DomainEvent,
): event is DomainEvent<K> {
  return (consumer.types as ReadonlySet<string>).has(event.type);
}

@Injectable()
export class EventConsumers {
  private readonly consumers: Array<EventConsumer<DomainEventName>> = [];

  register<K extends DomainEventName>(consumer: EventConsumer<K>): void {
    if (this.consumers.some((existing) => existing.name === consumer.name)) {
      throw new Error(`Event consumer ${consumer.name} registered twice`);
    }
    // A consumer of K is only ever handed events of K (see `consumes`), which is what makes this widening sound.
    this.consumers.push(consumer as unknown as EventConsumer<DomainEventName>);
  }

  all(): ReadonlyArray<EventConsumer<DomainEventName>> {
    return this.consumers;
  }
}
