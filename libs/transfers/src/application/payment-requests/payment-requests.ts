import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import { StepUp, type StepUpContext } from '#monay/identity';
import { Money, type CurrencyCode } from '#monay/kernel';
import { ProviderWallets } from '#monay/providers';
import { AppConfig, Clock, IdempotentExecutor, OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { InvalidCursorError } from '../../domain/contact.errors';
import {
  PaymentRequestClosed,
  PaymentRequestCreated,
  PaymentRequestPaid,
  PaymentRequestReminded,
  type PaymentRequestClosedPayload,
  type PaymentRequestPaidPayload,
} from '../../domain/events/payment-request.events';
import { FeeSchedule } from '../../domain/fee-schedule';
import { eip681Of } from '../../domain/payment-codes';
import {
  isPayable,
  REMINDER_INTERVAL_MS,
  statusAfterPayment,
  type PaymentRequestStatus,
} from '../../domain/payment-request';
import {
  PaymentAmountMismatchError,
  PaymentRequestActionNotAllowedError,
  PaymentRequestAlreadyPaidError,
  PaymentRequestClosedError,
  PaymentRequestNotFoundError,
  ReminderTooSoonError,
} from '../../domain/payment-request.errors';
import { ContactRepository } from '../../infrastructure/contact.repository';
import {
  PaymentRequestRepository,
  type PaymentRequestRecord,
} from '../../infrastructure/payment-request.repository';
import { TransferRepository } from '../../infrastructure/transfer.repository';
import { decodeCursor, encodeCursor } from '../contacts/contact-view';
import { P2pBooking } from '../p2p/p2p-booking';
import { RecipientResolver } from '../recipient-resolver';
import { toPaymentRequestView, type PaymentRequestView } from './payment-request-view';

export interface NewPaymentRequest {
  /** The user asked to pay (email, phone, user id, monay: address); absent: an open request. */
  from?: string;
  amount: Money | null;
  currency: CurrencyCode;
  note: string | null;
  /** Seconds until it expires (default PAYMENT_REQUEST_EXPIRY_HOURS). */
  expiresIn?: number;
}

export interface PayRequest {
  payerId: string;
  requestId: string;
  idempotencyKey: string;
  amount: Money | null;
  stepUp: StepUpContext | null;
}

/**
 * Payment requests: to one user (who sees it incoming, is notified and gets it in realtime) or open to anyone with
 * its link; each has a share link, a QR code of that link and an EIP-681 URI for external payers. A payment goes
 * through the normal transfer path (P2pBooking, with the payer's Idempotency-Key) in the transaction that locks the
 * request row, so a request is paid once however many payments race for it.
 */
@Injectable()
export class PaymentRequests {
  private readonly fees: FeeSchedule;

  constructor(
    private readonly requests: PaymentRequestRepository,
    private readonly contacts: ContactRepository,
    private readonly recipients: RecipientResolver,
    private readonly wallets: WalletAccess,
    private readonly providerWallets: ProviderWallets,
    private readonly p2p: P2pBooking,
    private readonly transfers: TransferRepository,
    private readonly executor: IdempotentExecutor,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly stepUp: StepUp,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  async create(requesterId: string, input: NewPaymentRequest): Promise<PaymentRequestView> {
    let payerId: string | null = null;
    if (input.from !== undefined && input.amount === null) {
      throw new PaymentAmountMismatchError('A request to one user needs an amount');
    }
    if (input.from !== undefined) {
      // As a payment would find them: a user who blocked the requester is RECIPIENT_NOT_FOUND.
      const [payer] = await this.recipients.resolveMany(requesterId, [input.from]);
      if (!payer.ok) throw payer.error;
      payerId = payer.userId;
    }
    const now = this.clock.now();
    const lifeMs = (input.expiresIn ?? this.config.everyday.requestExpiryHours * 3600) * 1000;
    const request: PaymentRequestRecord = {
      id: randomUUID(),
      token: randomBytes(16).toString('base64url'),
      requesterUserId: requesterId,
      payerUserId: payerId,
      payerRef: input.from?.trim() ?? null,
      currency: input.currency,
      amount: input.amount?.minor ?? null,
      paidAmount: 0n,
      note: input.note,
      status: 'requested',
      expiresAt: new Date(now.getTime() + lifeMs),
      lastRemindedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await this.uow.run(async (tx) => {
      await this.requests.insert(tx, request);
      await this.outbox.append(tx, [
        {
          type: PaymentRequestCreated,
          aggregateId: request.id,
          userIds: payerId ? [requesterId, payerId] : [requesterId],
          payload: {
            requestId: request.id,
            requesterId,
            payerId,
            currency: request.currency,
            amount: input.amount?.toDecimalString() ?? null,
            note: request.note,
            expiresAt: request.expiresAt.toISOString(),
          },
        },
      ]);
    });
    this.relay.nudge();
    return this.view(request, requesterId);
  }

  /** The requester's, the payer's of a directed request, or an open request (anyone may pay it by its link). */
  async get(viewerId: string, id: string): Promise<PaymentRequestView> {
    return this.view(await this.visible(viewerId, id), viewerId);
  }

  async list(
    userId: string,
    query: {
      direction: 'incoming' | 'outgoing';
      status?: PaymentRequestStatus;
      cursor?: string;
      limit: number;
    },
  ): Promise<{ requests: PaymentRequestView[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    if (after === null) throw new InvalidCursorError();
    const rows = await this.requests.page(userId, {
      direction: query.direction,
      status: query.status,
      after,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const payments = await this.requests.payments(page.map((r) => r.id));
    const views = await Promise.all(
      page.map(async (r) => toPaymentRequestView(r, userId, payments, await this.links(r))),
    );
    const last = page.at(-1);
    return {
      requests: views,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** The QR code of the share link, as PNG bytes or SVG text. */
  async qr(viewerId: string, id: string, format: 'png' | 'svg'): Promise<Buffer | string> {
    const request = await this.visible(viewerId, id);
    const { shareLink } = await this.links(request);
    return format === 'svg'
      ? QRCode.toString(shareLink, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
      : QRCode.toBuffer(shareLink, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 320 });
  }

  /**
   * Pays the request through the normal transfer path: the amount is the request's, or the payer's choice for an
   * open request without one. In one transaction with the payer's key: the request row is locked, checked payable
   * (and, for an open request, not yet paid by this payer), the transfer booked (P2pBooking), the payment recorded
   * and the request's status moved. A refusal of the transfer (funds, limits) is the send's 422, stored with the
   * key; the request stays payable.
   */
  async pay(input: PayRequest) {
    const request = await this.visible(input.payerId, input.requestId);
    const currency = request.currency as CurrencyCode;
    if (input.amount && input.amount.currency.code !== currency) {
      throw new PaymentAmountMismatchError(`This request is in ${currency}`);
    }
    let amount: Money;
    if (request.amount !== null) {
      amount = Money.of(request.amount, currency);
      if (input.amount && input.amount.minor !== request.amount) {
        throw new PaymentAmountMismatchError(`This request is for ${amount.toDecimalString()} ${currency}`);
      }
    } else {
      if (!input.amount)
        throw new PaymentAmountMismatchError('This open request needs an amount from the payer');
      amount = input.amount;
    }
    const requesterWallet = await this.wallets.findByUserId(request.requesterUserId);
    const to = requesterWallet?.address ?? request.requesterUserId;
    // As a send would: a requester who blocked the payer is RECIPIENT_NOT_FOUND; paying your own is SELF_TRANSFER.
    const [recipient] = await this.recipients.resolveMany(input.payerId, [to]);
    if (!recipient.ok) throw recipient.error;
    const idempotent = {
      userId: input.payerId,
      key: input.idempotencyKey,
      scope: 'payment-requests.pay',
      body: { requestId: request.id, amount: amount.toDecimalString(), currency },
    };
    if (input.stepUp) {
      await this.stepUp.assert({
        userId: input.payerId,
        context: input.stepUp,
        operation: 'p2p_transfer',
        amountUsd: this.wallets.usdValue(amount),
        newRecipient: async () =>
          !(await this.transfers.paidBefore(input.payerId, [recipient.userId])).has(recipient.userId) &&
          !(await this.contacts.isTrusted(input.payerId, recipient.userId)),
        alreadyAnswered: () => this.executor.answered(idempotent),
      });
    }
    const [sender] = await this.wallets.ensureWallets([input.payerId, recipient.userId]);
    // Read before the transaction: nothing may wait on a second connection while it is open (architecture.md).
    const links = await this.links(request);
    const result = await this.executor.execute(idempotent, async (tx) => {
      const locked = await this.requests.lock(tx, request.id);
      if (!locked) throw new PaymentRequestNotFoundError();
      const now = this.clock.now();
      if (!isPayable(locked.status)) throw new PaymentRequestClosedError(locked.status);
      if (locked.expiresAt <= now) throw new PaymentRequestClosedError('expired');
      const open = locked.payerUserId === null;
      if (
        open &&
        (await this.requests.payments([locked.id], tx)).some((p) => p.payerUserId === input.payerId)
      ) {
        throw new PaymentRequestAlreadyPaidError();
      }
      const booked = await this.p2p.book(tx, {
        sender,
        recipient,
        amount,
        fee: this.fees.p2p(currency),
        note: locked.note,
      });
      if (!booked.ok) return booked.response;
      const status = statusAfterPayment(open);
      const paidAmount = locked.paidAmount + amount.minor;
      await this.requests.insertPayment(tx, {
        id: randomUUID(),
        requestId: locked.id,
        payerUserId: input.payerId,
        transferId: booked.transfer.id,
        currency,
        amount: amount.minor,
        paidAt: now,
      });
      await this.requests.setStatus(tx, locked.id, { status, paidAmount }, now);
      const payload: PaymentRequestPaidPayload = {
        requestId: locked.id,
        requesterId: locked.requesterUserId,
        payerId: input.payerId,
        transferId: booked.transfer.id,
        currency,
        amount: amount.toDecimalString(),
        status,
        paidAt: now.toISOString(),
      };
      await this.outbox.append(tx, [
        {
          type: PaymentRequestPaid,
          aggregateId: locked.id,
          userIds: [locked.requesterUserId, input.payerId],
          payload,
        },
      ]);
      const after = { ...locked, status, paidAmount, updatedAt: now };
      const payments = await this.requests.payments([locked.id], tx);
      return {
        status: 201,
        body: {
          ...(booked.response.body as Record<string, unknown>),
          paymentRequest: toPaymentRequestView(after, input.payerId, payments, links),
        },
      };
    });
    this.relay.nudge();
    return result;
  }

  /** The payer of a directed request says no. */
  decline(payerId: string, id: string): Promise<PaymentRequestView> {
    return this.close(payerId, id, 'declined', (r) => r.payerUserId === payerId);
  }

  /** The requester withdraws it (an open request that was paid keeps its payments, and closes as `paid`). */
  cancel(requesterId: string, id: string): Promise<PaymentRequestView> {
    return this.close(requesterId, id, 'cancelled', (r) => r.requesterUserId === requesterId);
  }

  /**
   * The requester nudges the payer of a directed request, at most once per 24 hours (REMINDER_TOO_SOON). A payer who
   * blocked the requester is not told (the requester sees the same answer: nothing tells a block apart).
   */
  async remind(requesterId: string, id: string): Promise<PaymentRequestView> {
    const request = await this.visible(requesterId, id);
    if (request.requesterUserId !== requesterId || request.payerUserId === null) {
      throw new PaymentRequestActionNotAllowedError('remind');
    }
    // A payer who blocked the requester is not reminded (read before the transaction opens).
    const blocked = (await this.contacts.blockedBy(request.payerUserId, [requesterId])).has(requesterId);
    const updated = await this.uow.run(async (tx) => {
      const locked = await this.requests.lock(tx, id);
      if (!locked) throw new PaymentRequestNotFoundError();
      const now = this.clock.now();
      if (!isPayable(locked.status) || locked.expiresAt <= now) {
        throw new PaymentRequestClosedError(locked.expiresAt <= now ? 'expired' : locked.status);
      }
      if (locked.lastRemindedAt && now.getTime() - locked.lastRemindedAt.getTime() < REMINDER_INTERVAL_MS) {
        const wait = REMINDER_INTERVAL_MS - (now.getTime() - locked.lastRemindedAt.getTime());
        throw new ReminderTooSoonError(Math.ceil(wait / 1000));
      }
      await this.requests.setStatus(tx, id, { status: locked.status, lastRemindedAt: now }, now);
      const payerId = locked.payerUserId as string;
      if (!blocked) {
        await this.outbox.append(tx, [
          {
            type: PaymentRequestReminded,
            aggregateId: id,
            userIds: [payerId],
            payload: {
              requestId: id,
              requesterId,
              payerId,
              currency: locked.currency,
              amount:
                locked.amount === null
                  ? null
                  : Money.of(locked.amount, locked.currency as CurrencyCode).toDecimalString(),
              note: locked.note,
              expiresAt: locked.expiresAt.toISOString(),
              at: now.toISOString(),
            },
          },
        ]);
      }
      return { ...locked, lastRemindedAt: now, updatedAt: now };
    });
    this.relay.nudge();
    return this.view(updated, requesterId);
  }

  private async close(
    userId: string,
    id: string,
    status: 'declined' | 'cancelled',
    allowed: (request: PaymentRequestRecord) => boolean,
  ): Promise<PaymentRequestView> {
    const request = await this.visible(userId, id);
    if (!allowed(request))
      throw new PaymentRequestActionNotAllowedError(status === 'declined' ? 'decline' : 'cancel');
    const updated = await this.uow.run(async (tx) => {
      const locked = await this.requests.lock(tx, id);
      if (!locked) throw new PaymentRequestNotFoundError();
      const now = this.clock.now();
      // Declining a declined request, or cancelling a cancelled one, answers it as it is (a retry changes nothing).
      if (locked.status === status) return locked;
      if (!isPayable(locked.status)) throw new PaymentRequestClosedError(locked.status);
      // An open request paid at least once and then cancelled keeps what it was paid: it ends `paid`.
      const final = status === 'cancelled' && locked.paidAmount > 0n ? 'paid' : status;
      await this.requests.setStatus(tx, id, { status: final }, now);
      const payload: PaymentRequestClosedPayload = {
        requestId: id,
        requesterId: locked.requesterUserId,
        payerId: locked.payerUserId,
        status: final,
        currency: locked.currency,
        amount:
          locked.amount === null
            ? null
            : Money.of(locked.amount, locked.currency as CurrencyCode).toDecimalString(),
        at: now.toISOString(),
      };
      await this.outbox.append(tx, [
        {
          type: PaymentRequestClosed,
          aggregateId: id,
          userIds: locked.payerUserId
            ? [locked.requesterUserId, locked.payerUserId]
            : [locked.requesterUserId],
          payload,
        },
      ]);
      return { ...locked, status: final, updatedAt: now } as PaymentRequestRecord;
    });
    this.relay.nudge();
    return this.view(updated, userId);
  }

  /** The request if `viewerId` may see it; 404 otherwise (as an unknown id). */
  private async visible(viewerId: string, id: string): Promise<PaymentRequestRecord> {
    const request = await this.requests.find(id);
    if (!request) throw new PaymentRequestNotFoundError();
    const mine = request.requesterUserId === viewerId || request.payerUserId === viewerId;
    if (!mine && request.payerUserId !== null) throw new PaymentRequestNotFoundError();
    // A requester the payer blocked: their request is dropped for the payer.
    if (
      request.payerUserId === viewerId &&
      (await this.contacts.blockedBy(viewerId, [request.requesterUserId])).size > 0
    ) {
      throw new PaymentRequestNotFoundError();
    }
    return request;
  }

  private async view(request: PaymentRequestRecord, viewerId: string): Promise<PaymentRequestView> {
    const payments = await this.requests.payments([request.id]);
    return toPaymentRequestView(request, viewerId, payments, await this.links(request));
  }

  /** The share link, and an EIP-681 URI when the requester has an on-chain (0x) wallet at a provider. */
  async links(request: PaymentRequestRecord): Promise<{ shareLink: string; eip681: string | null }> {
    const shareLink = `${this.config.everyday.payLinkBaseUrl}/pay/${request.token}`;
    const primary = (await this.providerWallets.list(request.requesterUserId)).find((w) => w.isPrimary);
    const outstanding = request.amount;
    return {
      shareLink,
      eip681: primary ? eip681Of(request.currency, primary.address, outstanding) : null,
    };
  }
}
