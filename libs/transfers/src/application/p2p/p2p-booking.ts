import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Money } from '#monay/kernel';
import { OutboxWriter, UnitOfWork, type StoredResponse } from '#monay/shared';
import type { Wallet } from '#monay/wallet';
import {
  FundsTransferred,
  FundsTransferredPayload,
  TransferFailed,
  TransferFailedPayload,
} from '../../domain/events/transfer.events';
import { TransferLifecycle } from '../../domain/transfer';
import { TransferRecord, TransferRepository } from '../../infrastructure/transfer.repository';
import { TransferBooking } from '../transfer-booking';
import { errorBody, isRecordableRefusal } from '../transfer-outcome';
import { toHistoryView, toTransferView } from '../transfer-view';

export interface P2pBookingInput {
  sender: Wallet;
  recipient: { userId: string; ref: string; displayName: string };
  amount: Money;
  fee: Money;
  note: string | null;
}

export interface P2pBooked {
  ok: boolean;
  transfer: TransferRecord;
  /** The client's answer (201 booked, 422 refused with the failed transfer), to store with the key. */
  response: StoredResponse;
}

/**
 * One wallet pays another inside the caller's (idempotent) transaction: in a savepoint, limits are consumed and the
 * ledger moves the money, then the transfer is recorded completed, with its whole history; a refusal (insufficient
 * funds, a limit) undoes only the savepoint and records the transfer as failed with its reason. P2P sends and
 * payment-request payments both book through here, so a request is paid by exactly the normal transfer path.
 */
@Injectable()
export class P2pBooking {
  constructor(
    private readonly booking: TransferBooking,
    private readonly transfers: TransferRepository,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
  ) {}

  async book(tx: EntityManager, input: P2pBookingInput): Promise<P2pBooked> {
    const { sender, recipient, amount, fee, note } = input;
    const senderId = sender.userId;
    const now = new Date();
    const lifecycle = new TransferLifecycle('pending', now);
    lifecycle.moveTo('processing', undefined, now);
    const transfer: TransferRecord = {
      id: randomUUID(),
      batchId: null,
      senderUserId: senderId,
      recipientUserId: recipient.userId,
      recipientRef: recipient.ref,
      currency: amount.currency.code,
      amount: amount.minor,
      fee: fee.minor,
      note,
      status: 'processing',
      failureCode: null,
      failureMessage: null,
      ledgerTransactionId: null,
      createdAt: now,
      completedAt: null,
    };
    try {
      const ledgerTransactionId = await this.uow.savepoint(tx, (inner) =>
        this.booking.book(inner, {
          sender,
          legs: [{ recipientId: recipient.userId, amount }],
          fee,
          kind: 'p2p_transfer',
          reference: transfer.id,
        }),
      );
      const completedAt = new Date();
      lifecycle.moveTo('completed', undefined, completedAt);
      Object.assign(transfer, { status: 'completed', ledgerTransactionId, completedAt });
      await this.transfers.insert(tx, [transfer], new Map([[transfer.id, lifecycle.history]]));
      const payload: FundsTransferredPayload = {
        transferId: transfer.id,
        batchId: null,
        senderId,
        recipientId: recipient.userId,
        recipientRef: recipient.ref,
        currency: amount.currency.code,
        amount: amount.toDecimalString(),
        fee: fee.toDecimalString(),
        note,
        ledgerTransactionId,
        completedAt: completedAt.toISOString(),
      };
      await this.outbox.append(tx, [
        { type: FundsTransferred, aggregateId: transfer.id, userIds: [senderId, recipient.userId], payload },
      ]);
      return {
        ok: true,
        transfer,
        response: {
          status: 201,
          body: {
            success: true,
            transfer: {
              ...toTransferView(transfer, senderId),
              recipient: { displayName: recipient.displayName },
            },
          },
        },
      };
    } catch (error) {
      if (!isRecordableRefusal(error)) throw error;
      const failedAt = new Date();
      lifecycle.moveTo('failed', error.code, failedAt);
      Object.assign(transfer, {
        status: 'failed',
        failureCode: error.code,
        failureMessage: error.message,
        completedAt: failedAt,
      });
      await this.transfers.insert(tx, [transfer], new Map([[transfer.id, lifecycle.history]]));
      const payload: TransferFailedPayload = {
        transferId: transfer.id,
        batchId: null,
        senderId,
        currency: amount.currency.code,
        amount: amount.toDecimalString(),
        reason: error.code,
      };
      await this.outbox.append(tx, [
        { type: TransferFailed, aggregateId: transfer.id, userIds: [senderId], payload },
      ]);
      return {
        ok: false,
        transfer,
        response: {
          status: 422,
          body: {
            success: false,
            error: errorBody(error),
            transfer: toTransferView(transfer, senderId),
            history: toHistoryView(lifecycle.history),
          },
        },
      };
    }
  }
}
