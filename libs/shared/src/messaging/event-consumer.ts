import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PublishedEvent } from './outbox';

/**
 * A consumer that must see every event exactly once in effect (projections, read models). The relay
 * calls it inside the transaction that marks the events published, so its writes and the mark commit
 * together; a failure leaves the events unpublished and they come again.
 */
export interface EventConsumer {
  readonly name: string;
  handles(type: string): boolean;
  apply(tx: EntityManager, event: PublishedEvent): Promise<void>;
}

@Injectable()
export class EventConsumers {
  private readonly consumers: EventConsumer[] = [];

  register(consumer: EventConsumer): void {
    if (this.consumers.some((existing) => existing.name === consumer.name)) {
      throw new Error(`Event consumer ${consumer.name} registered twice`);
    }
    this.consumers.push(consumer);
  }

  all(): readonly EventConsumer[] {
    return this.consumers;
  }
}
