import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { JobName, OnJob, type JobPayloads } from '#monay/shared';
import { DeliveryFailure, type ChannelSender } from '../channels/channel';
import { EmailChannel } from '../channels/email.channel';
import { PushChannel } from '../channels/push.channel';
import { SmsChannel } from '../channels/sms.channel';
import type { DeliveryChannel } from '../domain/notification-kinds';
import { DeliveriesRepository } from './deliveries.repository';

/**
 * Sends one delivery. The claim makes it idempotent (a job run twice, or re-driven after it succeeded, sends
 * once). A permanent vendor error ends the delivery failed (or suppressed: no address); a transient one is thrown
 * so BullMQ retries with backoff, and on the last attempt the delivery is marked dead-lettered as the job goes to
 * the dead-letter queue, from which an admin's re-drive sends it.
 */
@Injectable()
export class DeliverNotificationProcessor {
  private readonly logger = new Logger('NotificationDelivery');
  private readonly senders: Record<DeliveryChannel, ChannelSender>;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    email: EmailChannel,
    sms: SmsChannel,
    push: PushChannel,
  ) {
    this.senders = { email, sms, push };
  }

  @OnJob(JobName.DeliverNotification)
  async deliver(payload: JobPayloads[JobName.DeliverNotification], job?: Job): Promise<string> {
    const delivery = await this.deliveries.claim(payload.deliveryId);
    if (!delivery) return 'not due';
    if (
      delivery.reason === 'escalation' &&
      (delivery.readAt !== null || delivery.pushStatus === 'delivered')
    ) {
      // The push reached the user (they opened it): no SMS needed.
      await this.deliveries.finish(delivery.id, { status: 'suppressed', reason: 'push_opened' });
      return 'suppressed';
    }
    try {
      const receipt = await this.senders[delivery.channel].send(delivery);
      await this.deliveries.finish(delivery.id, {
        status: receipt.status,
        vendorMessageId: receipt.vendorMessageId,
      });
      return receipt.status;
    } catch (error) {
      const failure =
        error instanceof DeliveryFailure
          ? error
          : new DeliveryFailure('INTERNAL', (error as Error).message, false);
      if (failure.permanent) {
        await this.deliveries.finish(delivery.id, {
          status: failure.status,
          errorCode: failure.code,
          error: failure.message,
          ...(failure.status === 'suppressed' && { reason: failure.code.toLowerCase() }),
        });
        this.logger.warn(
          `${delivery.channel} ${delivery.id}: ${failure.code} ${failure.message} (permanent)`,
        );
        return failure.status;
      }
      const lastAttempt = job === undefined || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await this.deliveries.finish(delivery.id, {
        status: lastAttempt ? 'dead_lettered' : 'retrying',
        errorCode: failure.code,
        error: failure.message,
      });
      throw failure;
    }
  }
}
