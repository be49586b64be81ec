import { defineEvents } from '#monay/shared';

/**
 * A notification was created for a user (in-app inbox). The realtime gateway sends it to the user's sockets as
 * `notification.created`; a later email/SMS/push delivery worker will start from it too.
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

/** Every event of the notifications context (docs/architecture.md, "Events and the outbox"). */
export interface NotificationEvents {
  NotificationCreated: NotificationCreatedPayload;
}

export const notificationEvents = defineEvents<NotificationEvents>('notifications', {
  NotificationCreated: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends NotificationEvents {}
}
