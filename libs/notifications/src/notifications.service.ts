import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock, EventConsumers, type DomainEvent, type EventConsumer } from '#monay/shared';
import { NotificationComposer } from './delivery/notification-composer';
import { notificationFor, NOTIFYING_EVENT_TYPES, type NotifyingEventName } from './notification-templates';

/**
 * Creates notifications from domain events. An {@link EventConsumer}: the outbox relay applies each event once
 * (processed_events) inside the transaction that marks it published, so a notification and its planned email,
 * SMS and push deliveries exist iff its event was applied; a relay that hands the same event over twice notifies
 * once. Sending happens after the commit, in delivery jobs.
 */
@Injectable()
export class NotificationsService implements EventConsumer<NotifyingEventName>, OnModuleInit {
  readonly name = 'notifications.in-app';
  readonly types = NOTIFYING_EVENT_TYPES;

  constructor(
    private readonly consumers: EventConsumers,
    private readonly composer: NotificationComposer,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  async apply(tx: EntityManager, event: DomainEvent<NotifyingEventName>): Promise<void> {
    await this.applyAll(tx, [event]);
  }

  /** A relay batch's notifications in a few statements, in the events' order. */
  async applyAll(tx: EntityManager, events: ReadonlyArray<DomainEvent<NotifyingEventName>>): Promise<void> {
    await this.composer.composeMany(tx, events.flatMap(notificationFor), this.clock.now());
  }
}
