import { defineEvents } from '#monay/shared';

/**
 * A notification was created for a user (in-app inbox). The realtime gateway sends it to the user's sockets as
 * `notification.created`; its email, SMS and push deliveries were planned in the same transaction.
 */
export const NotificationCreated = 'NotificationCreated';

export interface NotificationCreatedPayload extends Record<string, unknown> {
  notificationId: string;
  userId: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
}

/**
 * An operator published a marketing message or a product update to a list of users: the notifications consumer
 * turns it into one notification per user (marketing only for those who opted in).
 */
export const AnnouncementPublished = 'AnnouncementPublished';

export interface AnnouncementPublishedPayload extends Record<string, unknown> {
  announcementId: string;
  category: 'marketing' | 'product_updates';
  title: string;
  body: string;
  userIds: string[];
}

/** Every event of the notifications context (docs/architecture.md, "Events and the outbox"). */
export interface NotificationEvents {
  NotificationCreated: NotificationCreatedPayload;
  AnnouncementPublished: AnnouncementPublishedPayload;
}

export const notificationEvents = defineEvents<NotificationEvents>('notifications', {
  NotificationCreated: { version: 1 },
  AnnouncementPublished: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends NotificationEvents {}
}
