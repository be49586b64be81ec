import { OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money, type CurrencyCode } from '#monay/kernel';
import type { EventConsumer, EventConsumers, PublishedEvent } from '#monay/shared';

/** A read model fed by the outbox relay: registers itself and says which event types it applies. */
export abstract class Projection implements EventConsumer, OnModuleInit {
  abstract readonly name: string;
  protected abstract readonly types: ReadonlySet<string>;

  constructor(private readonly consumers: EventConsumers) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  handles(type: string): boolean {
    return this.types.has(type);
  }

  abstract apply(tx: EntityManager, event: PublishedEvent): Promise<void>;
}

/** Event payloads carry decimal strings; read models store minor units. */
export function minorUnits(amount: string, currency: string): bigint {
  return Money.parse(amount, currency as CurrencyCode, { signed: true }).minor;
}
