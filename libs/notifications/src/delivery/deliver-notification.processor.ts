import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig, JobName, JobQueue, OnJob, type JobPayloads } from '#monay/shared';
import { DeliveryFailure, type ChannelSender, type SendReceipt } from '../channels/channel';
import { EmailChannel } from '../channels/email.channel';
import { PushChannel } from '../channels/push.channel';
import { Recipients, type Contact } from '../channels/recipients';
import { SmsChannel } from '../channels/sms.channel';
import type { DeliveryChannel } from '../domain/notification-kinds';
import { DeliveriesRepository, type ClaimedDelivery, type DeliveryOutcome } from './deliveries.repository';

/** Sends of one batch in flight at once, for a vendor that takes one message a request (SMS, push). */
const SENDS_IN_FLIGHT = 4;

/** One sending attempt's end: where the delivery stands, and the failure to retry it after, if it may be. */
interface Attempt {
  outcome: DeliveryOutcome;
  retry?: DeliveryFailure;
}

/**
 * Sends deliveries. The claim makes it idempotent (a job run twice, or re-driven after it succeeded, sends
 * once). A permanent vendor error ends the delivery failed (or suppressed: no address); a transient one is retried
 * with backoff and, on the last attempt, the delivery is marked dead-lettered as its job goes to the dead-letter
 * queue, from which an admin's re-drive sends it.
 *
 * First attempts come in batches (DeliverNotifications: the deliveries the dispatcher took together), each batch
 * claimed, its contacts read and its outcomes stored with one statement each; a vendor that takes many messages in
 * one request (email through SendGrid) gets the batch's messages for it in one call; a delivery to retry goes on
 * alone as a DeliverNotification job, with the attempts left and the backoff.
 */
@Injectable()
export class DeliverNotificationProcessor {
  private readonly logger = new Logger('NotificationDelivery');
  private readonly senders: Record<DeliveryChannel, ChannelSender>;

  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly recipients: Recipients,
    private readonly jobs: JobQueue,
    private readonly config: AppConfig,
    email: EmailChannel,
    sms: SmsChannel,
    push: PushChannel,
  ) {
    this.senders = { email, sms, push };
  }

  @OnJob(JobName.DeliverNotifications)
  async deliverBatch({ deliveryIds }: JobPayloads[JobName.DeliverNotifications]): Promise<string> {
    const claimed = await this.deliveries.claim(deliveryIds);
    const contacts = await this.contactsOf(claimed);
    const attempts: Attempt[] = [];
    const single: ClaimedDelivery[] = [];
    const batched = new Map<ChannelSender, ClaimedDelivery[]>();
    for (const delivery of claimed) {
      const skipped = this.skipped(delivery);
      const sender = this.senders[delivery.channel];
      if (skipped) attempts.push(skipped);
      else if (sender.sendMany) batched.set(sender, [...(batched.get(sender) ?? []), delivery]);
      else single.push(delivery);
    }
    for (const [sender, deliveries] of batched) {
      const results = await sender.sendMany!(
        deliveries.map((delivery) => ({ delivery, contact: contacts.get(delivery.userId) })),
      );
      const done = deliveries.map((delivery, index) => this.attemptOf(delivery, results[index]));
      attempts.push(...(await this.keepVendorIds(sender, done)));
    }
    for (let next = 0; next < single.length; next += SENDS_IN_FLIGHT) {
      const sends = single.slice(next, next + SENDS_IN_FLIGHT).map(async (delivery) => {
        const attempt = await this.attempt(delivery, contacts.get(delivery.userId));
        return this.keepVendorIds(this.senders[delivery.channel], [attempt]);
      });
      for (const left of await Promise.all(sends)) attempts.push(...left);
    }
    const retries = attempts.filter((attempt) => attempt.retry);
    // This was the first attempt; the retry job has the rest (at least one).
    const attemptsLeft = Math.max(1, this.config.notifications.deliveryAttempts - 1);
    await this.deliveries.finish(
      attempts.map(({ outcome, retry }) => (retry ? { ...outcome, status: 'retrying' } : outcome)),
    );
    for (const { outcome } of retries) {
      await this.jobs.enqueue(
        JobName.DeliverNotification,
        { deliveryId: outcome.id },
        {
          jobId: `delivery-${outcome.id}`,
          delay: this.config.notifications.retryBaseMs,
          attempts: attemptsLeft,
          backoff: { type: 'exponential', delay: this.config.notifications.retryBaseMs },
        },
      );
    }
    return `${claimed.length} of ${deliveryIds.length} sent or ended; ${retries.length} to retry`;
  }

  @OnJob(JobName.DeliverNotification)
  async deliver(payload: JobPayloads[JobName.DeliverNotification], job?: Job): Promise<string> {
    const [delivery] = await this.deliveries.claim([payload.deliveryId]);
    if (!delivery) return 'not due';
    const contacts = await this.contactsOf([delivery]);
    const { outcome, retry } = await this.attempt(delivery, contacts.get(delivery.userId));
    if (!retry) {
      await this.deliveries.finish([outcome]);
      return outcome.status;
    }
    const lastAttempt = job === undefined || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.deliveries.finish([{ ...outcome, status: lastAttempt ? 'dead_lettered' : 'retrying' }]);
    throw retry;
  }

  /** Email and SMS need an address: the batch's, read at once. */
  private contactsOf(deliveries: readonly ClaimedDelivery[]): Promise<Map<string, Contact>> {
    const users = deliveries.filter((d) => d.channel !== 'push').map((d) => d.userId);
    return users.length === 0 ? Promise.resolve(new Map()) : this.recipients.ofMany(users);
  }

  /**
   * A vendor that reports on its messages later (SMS status callbacks, email events) must have their ids stored at
   * once, before a report about them can come: those outcomes are stored now. The rest are returned, to be stored
   * with the batch's.
   */
  private async keepVendorIds(sender: ChannelSender, attempts: Attempt[]): Promise<Attempt[]> {
    if (!sender.callsBack) return attempts;
    await this.deliveries.finish(
      attempts.filter((attempt) => !attempt.retry).map((attempt) => attempt.outcome),
    );
    return attempts.filter((attempt) => attempt.retry);
  }

  /** A delivery that needs no sending any more: an escalation SMS whose push reached the user (they opened it). */
  private skipped(delivery: ClaimedDelivery): Attempt | undefined {
    if (
      delivery.reason === 'escalation' &&
      (delivery.readAt !== null || delivery.pushStatus === 'delivered')
    ) {
      return { outcome: { id: delivery.id, status: 'suppressed', reason: 'push_opened' } };
    }
    return undefined;
  }

  /** One sending attempt of a claimed delivery; what to store of it (a transient failure: `retry`). */
  private async attempt(delivery: ClaimedDelivery, contact: Contact | undefined): Promise<Attempt> {
    const skipped = this.skipped(delivery);
    if (skipped) return skipped;
    try {
      return this.attemptOf(delivery, await this.senders[delivery.channel].send(delivery, contact));
    } catch (error) {
      return this.attemptOf(delivery, error);
    }
  }

  /** What a vendor's receipt, or the error its send threw, means for the delivery. */
  private attemptOf(delivery: ClaimedDelivery, result: SendReceipt | unknown): Attempt {
    if (!(result instanceof Error)) {
      const receipt = result as SendReceipt;
      return {
        outcome: { id: delivery.id, status: receipt.status, vendorMessageId: receipt.vendorMessageId },
      };
    }
    const failure =
      result instanceof DeliveryFailure ? result : new DeliveryFailure('INTERNAL', result.message, false);
    const outcome: DeliveryOutcome = {
      id: delivery.id,
      status: failure.status,
      errorCode: failure.code,
      error: failure.message,
    };
    if (failure.permanent) {
      this.logger.warn(`${delivery.channel} ${delivery.id}: ${failure.code} ${failure.message} (permanent)`);
      return {
        outcome: {
          ...outcome,
          ...(failure.status === 'suppressed' && { reason: failure.code.toLowerCase() }),
        },
      };
    }
    return { outcome, retry: failure };
  }
}
