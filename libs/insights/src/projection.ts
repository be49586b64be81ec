import { OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvent, DomainEventName, EventConsumer, EventConsumers } from '#monay/shared';

/** A read model fed by the outbox relay: registers itself and names the events it applies. */
export abstract class Projection<K extends DomainEventName> implements EventConsumer<K>, OnModuleInit {
  abstract readonly name: string;
  abstract readonly types: ReadonlySet<K>;

  constructor(private readonly consumers: EventConsumers) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  abstract apply(tx: EntityManager, event: DomainEvent<K>): Promise<void>;
}
