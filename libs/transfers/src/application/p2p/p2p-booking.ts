import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Money } from '#monay/kernel';
import {
  newId,
  OutboxWriter,
  runWrites,
  UnitOfWork,
  type AnyOutboxMessage,
  type Guard,
  type SqlWrite,
  type StoredResponse,
} from '#monay/shared';
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
 * funds, a limit) undoes only the savepoint and records the transfer as failed with its reason — the transfer, its
 * history and its event (and, when asked, the idempotent answer) in one statement. P2P sends and
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

  /**
   * `store`: when the booking is the last thing the caller's transaction writes, the statement that stores its
   * answer (IdempotentCompletion.write), carried by the booking's last statement with the transfer and its event.
   */
  async book(
    tx: EntityManager,
    input: P2pBookingInput,
    store?: (response: StoredResponse) => SqlWrite,
  ): Promise<P2pBooked> {
    const { sender, amount, fee } = input;
    const senderId = sender.userId;
    const base = this.pending(input);
    try {
      // Booked as completed, carried by the ledger's posting: the transfer, its history, its event and the answer
      // cost no round trip of their own. A refusal undoes them with the savepoint.
      const booked = this.completed(base, input);
      const writes = this.recordWrites(
        booked.transfer,
        booked.lifecycle,
        booked.response,
        store,
        booked.events,
      );
      await this.uow.savepoint(tx, (inner) => this.booking.book(inner, booked.posting, writes));
      return { ok: true, transfer: booked.transfer, response: booked.response };
    } catch (error) {
      if (!isRecordableRefusal(error)) throw error;
      await this.booking.lockSender(tx, senderId, [amount.currency.code, fee.currency.code]);
      const failedAt = new Date();
      const failed = lifecycleFrom(base.createdAt);
      failed.moveTo('failed', error.code, failedAt);
      const transfer: TransferRecord = {
        ...base,
        status: 'failed',
        failureCode: error.code,
        failureMessage: error.message,
        completedAt: failedAt,
      };
      const payload: TransferFailedPayload = {
        transferId: transfer.id,
        batchId: null,
        senderId,
        currency: amount.currency.code,
        amount: amount.toDecimalString(),
        reason: error.code,
      };
      const response: StoredResponse = {
        status: 422,
        body: {
          success: false,
          error: errorBody(error),
          transfer: toTransferView(transfer, senderId),
          history: toHistoryView(failed.history),
        },
      };
      await runWrites(
        tx,
        this.recordWrites(transfer, failed, response, store, [
          { type: TransferFailed, aggregateId: transfer.id, userIds: [senderId], payload },
        ]),
      );
      return { ok: false, transfer, response };
    }
  }

  /**
   * {@link book} as ONE autocommit statement, all or nothing: `claim` (the idempotency key, stored with the answer),
   * the limits, the ledger, the transfer with its history and its event (TransferBooking.bookAtOnce). Undefined, with
   * nothing written, when anything refused (the key was taken, funds, a limit): the caller then books in a transaction
   * ({@link book}), which replays the key or records the refusal with its reason.
   */
  async bookAtOnce(
    manager: EntityManager,
    input: P2pBookingInput,
    claim: (response: StoredResponse) => Guard,
  ): Promise<P2pBooked | undefined> {
    const booked = this.completed(this.pending(input), input);
    const writes = this.recordWrites(
      booked.transfer,
      booked.lifecycle,
      booked.response,
      undefined,
      booked.events,
    );
    const done = await this.booking.bookAtOnce(manager, booked.posting, claim(booked.response), writes);
    return done ? { ok: true, transfer: booked.transfer, response: booked.response } : undefined;
  }

  /** The transfer as it is before the ledger moves: processing. */
  private pending(input: P2pBookingInput): TransferRecord {
    const { sender, recipient, amount, fee, note } = input;
    return {
      id: newId(),
      batchId: null,
      senderUserId: sender.userId,
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
      createdAt: new Date(),
      completedAt: null,
    };
  }

  /** The transfer completed: its record and history, its event, the client's 201 and the ledger posting. */
  private completed(base: TransferRecord, input: P2pBookingInput) {
    const { sender, recipient, amount, fee, note } = input;
    const senderId = sender.userId;
    const ledgerTransactionId = newId();
    const completedAt = new Date();
    const lifecycle = lifecycleFrom(base.createdAt);
    lifecycle.moveTo('completed', undefined, completedAt);
    const transfer: TransferRecord = { ...base, status: 'completed', ledgerTransactionId, completedAt };
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
    const response: StoredResponse = {
      status: 201,
      body: {
        success: true,
        transfer: {
          ...toTransferView(transfer, senderId),
          recipient: { displayName: recipient.displayName },
        },
      },
    };
    const events: AnyOutboxMessage[] = [
      { type: FundsTransferred, aggregateId: transfer.id, userIds: [senderId, recipient.userId], payload },
    ];
    const posting = {
      sender,
      legs: [{ recipientId: recipient.userId, amount }],
      fee,
      kind: 'p2p_transfer' as const,
      reference: transfer.id,
      transactionId: ledgerTransactionId,
    };
    return { transfer, lifecycle, response, events, posting };
  }

  /** The transfer with its history, its event and (`store`) the answer, as writes for one statement. */
  private recordWrites(
    transfer: TransferRecord,
    lifecycle: TransferLifecycle,
    response: StoredResponse,
    store: ((response: StoredResponse) => SqlWrite) | undefined,
    events: AnyOutboxMessage[],
  ): SqlWrite[] {
    const { write: outbox } = this.outbox.appendWrite(events);
    const also = [outbox, store?.(response)].filter((write): write is SqlWrite => !!write);
    return [...this.transfers.insertWrites([transfer], new Map([[transfer.id, lifecycle.history]])), ...also];
  }
}

/** A P2P transfer's lifecycle up to processing (created at `createdAt`, taken at once). */
function lifecycleFrom(createdAt: Date): TransferLifecycle {
  const transfer = new TransferLifecycle('pending', createdAt);
  transfer.moveTo('processing', undefined, createdAt);
  return transfer;
}
