import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Money, type CurrencyCode } from '#monay/kernel';
import {
  Clock,
  DueWork,
  JobName,
  JobPayloads,
  JobQueue,
  OnJob,
  OutboxRelay,
  OutboxWriter,
  UnitOfWork,
  type DueWorkSweeper,
} from '#monay/shared';
import { PaymentRequestClosed } from '../domain/events/payment-request.events';
import { PaymentRequestRepository } from './payment-request.repository';

/**
 * Every five minutes, and whenever the sandbox clock is advanced (due work): payment requests past their expiry are
 * closed — `expired`, or `paid` for an open request that was paid at least once — each with its PaymentRequestClosed
 * event in the same transaction. Rows a payment holds are skipped and taken by the next sweep; a payment that got the
 * lock first sees its own expiry check.
 */
@Injectable()
export class PaymentRequestExpiryProcessor implements OnApplicationBootstrap, DueWorkSweeper {
  private readonly logger = new Logger('PaymentRequestExpiry');
  readonly name = 'transfers.expire-payment-requests';

  constructor(
    private readonly requests: PaymentRequestRepository,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    dueWork: DueWork,
  ) {
    dueWork.register(this);
  }

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.ExpirePaymentRequests, '*/5 * * * *', { limit: 500 })
      .catch((error: unknown) =>
        this.logger.warn(`Could not declare the payment-request expiry schedule: ${String(error)}`),
      );
  }

  @OnJob(JobName.ExpirePaymentRequests)
  async expire({ limit }: JobPayloads[JobName.ExpirePaymentRequests]): Promise<{ expired: number }> {
    await this.clock.sync();
    return { expired: await this.expireDue(this.clock.now(), limit) };
  }

  sweep(now: Date): Promise<number> {
    return this.expireDue(now, 500);
  }

  private async expireDue(now: Date, limit: number): Promise<number> {
    const closed = await this.uow.run(async (tx) => {
      const expired = await this.requests.expireDue(tx, now, limit);
      await this.outbox.append(
        tx,
        expired.map((request) => ({
          type: PaymentRequestClosed,
          aggregateId: request.id,
          userIds: request.payerUserId
            ? [request.requesterUserId, request.payerUserId]
            : [request.requesterUserId],
          payload: {
            requestId: request.id,
            requesterId: request.requesterUserId,
            payerId: request.payerUserId,
            status: request.status === 'paid' ? ('paid' as const) : ('expired' as const),
            currency: request.currency,
            amount:
              request.amount === null
                ? null
                : Money.of(request.amount, request.currency as CurrencyCode).toDecimalString(),
            at: now.toISOString(),
          },
        })),
      );
      return expired.length;
    });
    if (closed > 0) this.relay.nudge();
    return closed;
  }
}
