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
