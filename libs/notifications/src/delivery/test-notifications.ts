import { Injectable } from '@nestjs/common';
import { AppConfig, Clock, UnitOfWork } from '#monay/shared';
import type { NotificationChannel } from '../domain/notification-kinds';
import { TestNotificationLimitError } from '../notifications.errors';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { NotificationComposer } from './notification-composer';

/** POST /api/notifications/test: a notification of kind `test` through one channel, limited per user and hour. */
@Injectable()
export class TestNotifications {
  constructor(
    private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
    private readonly composer: NotificationComposer,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly clock: Clock,
  ) {}

  async send(
    userId: string,
    channel: NotificationChannel,
  ): Promise<{ notificationId: string; deliveryId: string | null; channel: NotificationChannel }> {
    const limit = this.config.notifications.testLimitPerHour;
    const now = this.clock.now();
    const composed = await this.uow.run(async (tx) => {
      // One test at a time per user, so that two requests cannot both slip under the limit.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `notifications.test:${userId}`,
      ]);
      const [recent] = (await tx.query(
        `SELECT count(*)::int AS count, min(created_at) AS oldest FROM notifications
          WHERE user_id = $1 AND kind = 'test' AND created_at > clock_timestamp() - interval '1 hour'`,
        [userId],
      )) as Array<{ count: number; oldest: Date | null }>;
      if (recent.count >= limit) {
        const retryAfter = recent.oldest
          ? Math.max(1, Math.ceil((recent.oldest.getTime() + 3_600_000 - Date.now()) / 1000))
          : 3_600;
        throw new TestNotificationLimitError(limit, retryAfter);
      }
      return this.composer.compose(
        tx,
        { userId, kind: 'test', data: { channel }, dedupeKey: null },
        now,
        channel,
      );
    });
    this.dispatcher.kick();
    const delivery = composed?.deliveries.find((d) => d.channel === channel);
    return { notificationId: composed?.notification.id ?? '', deliveryId: delivery?.id ?? null, channel };
  }
}
