import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventConsumers, OutboxWriter, type DomainEvent, type EventConsumer } from '#monay/shared';
import type { NotificationCreatedPayload } from './notification.events';
import { notificationFor, NOTIFYING_EVENT_TYPES, type NotifyingEventName } from './notification-templates';
import { NotificationsRepository } from './notifications.repository';

/**
 * Creates in-app notifications from domain events. An {@link EventConsumer}: the outbox relay applies each
 * event once (processed_events) inside the transaction that marks it published, so a notification exists iff
 * its event was applied, and its NotificationCreated event (for sockets, and later for email/SMS/push delivery)
 * is written in that same transaction.
 */
@Injectable()
export class NotificationsService implements EventConsumer<NotifyingEventName>, OnModuleInit {
  readonly name = 'notifications.in-app';
  readonly types = NOTIFYING_EVENT_TYPES;

  constructor(
    private readonly consumers: EventConsumers,
    private readonly repository: NotificationsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  async apply(tx: EntityManager, event: DomainEvent<NotifyingEventName>): Promise<void> {
    const draft = notificationFor(event);
    if (!draft) return;
    const created = await this.repository.insert(tx, draft);
    if (!created) return;
    const payload: NotificationCreatedPayload = {
      notificationId: created.id,
      userId: created.userId,
      kind: created.kind,
      title: created.title,
      body: created.body,
      data: created.data,
      createdAt: created.createdAt.toISOString(),
    };
    await this.outbox.append(tx, [
      { type: 'NotificationCreated', aggregateId: created.id, userIds: [created.userId], payload },
    ]);
  }
}
