import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money, type CurrencyCode, type DomainError } from '#monay/kernel';
import type {
  InternalBatchBooked,
  InternalBatchBooking,
  InternalBatchLeg,
  InternalBatchPart,
} from '#monay/providers';
import { newId, AppConfig, OutboxWriter, type AnyOutboxMessage } from '#monay/shared';
import { WalletAccess, type Wallet } from '#monay/wallet';
import {
  BatchTransferCompleted,
  BatchTransferCompletedPayload,
  FundsTransferred,
  FundsTransferredPayload,
  TransferFailed,
  TransferFailedPayload,
} from '../domain/events/transfer.events';
import { FeeSchedule } from '../domain/fee-schedule';
import { TransferLifecycle } from '../domain/transfer';
import { TransferRecord, TransferRepository } from '../infrastructure/transfer.repository';
import { TransferBooking } from './transfer-booking';
import { toTransferView } from './transfer-view';

/** The Monay recipients of a batch, resolved: what one ledger transaction pays. */
export type InternalItem = InternalBatchLeg;

/** The internal legs as transfers (processing) under one batch id, written once their outcome is known. */
interface RecordedBatch {
  batchId: string;
  createdAt: Date;
  items: TransferRecord[];
  lifecycles: Map<string, TransferLifecycle>;
  /** The request item of each transfer, same order. */
  sources: InternalItem[];
  fee: Money;
  feeCurrency: CurrencyCode;
}

/**
 * A batch's Monay recipients paid all or nothing in the caller's transaction (one ledger transaction, one batch
 * id, limits on the total, the fee once), or recorded failed with the refusal. The batch transfer route uses it
 * for batches without external recipients; the providers context books a batch's internal part through it
 * (the InternalBatchBooking port) inside that request's first transaction.
 */
@Injectable()
export class BatchTransfers implements InternalBatchBooking {
  private readonly fees: FeeSchedule;

  constructor(
    private readonly wallets: WalletAccess,
    private readonly booking: TransferBooking,
    private readonly transfers: TransferRepository,
    private readonly outbox: OutboxWriter,
    config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  /** The port: the internal part of a batch with external recipients, booked in that request's transaction. */
  async book(tx: EntityManager, part: InternalBatchPart, batchId: string): Promise<InternalBatchBooked> {
    const sender = await this.wallets.findByUserId(part.senderId, tx);
    if (!sender) throw new Error(`no wallet for ${part.senderId}`);
    return this.bookInternal(tx, part.senderId, sender, [...part.legs], batchId);
  }

  /** The port: the internal part of a refused batch with external recipients, recorded failed. */
  async refuse(
    tx: EntityManager,
    part: InternalBatchPart,
    batchId: string,
    error: DomainError,
  ): Promise<void> {
    await this.fail(tx, part.senderId, this.record(part.senderId, [...part.legs], batchId), error);
  }

  /** The internal part of a batch with external recipients, booked in that request's transaction. */
  private async bookInternal(
    tx: EntityManager,
    senderId: string,
    sender: Wallet,
    items: InternalItem[],
    batchId: string,
  ): Promise<InternalBatchBooked> {
    const recorded = this.record(senderId, items, batchId);
    const done = await this.complete(tx, senderId, sender, recorded);
    return {
      results: recorded.items.map((transfer, position) => {
        const source = recorded.sources[position];
        return {
          index: source.index,
          to: source.to,
          kind: 'internal' as const,
          status: 'completed' as const,
          amount: source.amount.toDecimalString(),
          currency: source.amount.currency.code,
          transferId: transfer.id,
          movementId: null,
          fee: Money.zero(source.amount.currency.code).toDecimalString(),
          provider: null,
        };
      }),
      fee: recorded.fee.toDecimalString(),
      feeCurrency: recorded.feeCurrency,
      ledgerTransactionId: done.ledgerTransactionId,
      transfers: done.transfers,
    };
  }

  /** The batch and its transfers, processing (in memory: nothing is written before the outcome is known). */
  record(senderId: string, sources: InternalItem[], batchId: string): RecordedBatch {
    const now = new Date();
    const feeCurrency = sources[0].amount.currency.code;
    const fee = this.fees.batch(feeCurrency);
    const lifecycles = new Map<string, TransferLifecycle>();
    const items: TransferRecord[] = sources.map((item) => {
      const id = newId();
      const lifecycle = new TransferLifecycle('pending', now);
      lifecycle.moveTo('processing', undefined, now);
      lifecycles.set(id, lifecycle);
      return {
        id,
        batchId,
        senderUserId: senderId,
        recipientUserId: item.recipient.userId,
        recipientRef: item.recipient.ref,
        currency: item.amount.currency.code,
        amount: item.amount.minor,
        fee: 0n,
        note: item.note,
        status: 'processing',
        failureCode: null,
        failureMessage: null,
        ledgerTransactionId: null,
        createdAt: now,
        completedAt: null,
      };
    });
    return { batchId, createdAt: now, items, lifecycles, sources, fee, feeCurrency };
  }

  /** Writes the batch and its transfers in their final state, with their histories (one statement). */
  private async write(
    tx: EntityManager,
    senderId: string,
    recorded: RecordedBatch,
    outcome:
      | { status: 'completed'; ledgerTransactionId: string; at: Date }
      | { status: 'failed'; error: DomainError; at: Date },
  ): Promise<TransferRecord[]> {
    const failed = outcome.status === 'failed' ? outcome.error : null;
    const transfers = recorded.items.map((item) => {
      recorded.lifecycles.get(item.id)?.moveTo(outcome.status, failed?.code, outcome.at);
      return {
        ...item,
        status: outcome.status,
        failureCode: failed?.code ?? null,
        failureMessage: failed?.message ?? null,
        ledgerTransactionId: outcome.status === 'completed' ? outcome.ledgerTransactionId : null,
        completedAt: outcome.at,
      };
    });
    await this.transfers.insert(
      tx,
      transfers,
      new Map([...recorded.lifecycles].map(([id, lifecycle]) => [id, lifecycle.history])),
      {
        id: recorded.batchId,
        senderUserId: senderId,
        recipientCount: transfers.length,
        feeCurrency: recorded.feeCurrency,
        fee: recorded.fee.minor,
        status: outcome.status,
        failureCode: failed?.code ?? null,
        ledgerTransactionId: outcome.status === 'completed' ? outcome.ledgerTransactionId : null,
        createdAt: recorded.createdAt,
        completedAt: outcome.at,
      },
    );
    return transfers;
  }

  /**
   * Pays every recorded transfer in one ledger transaction (limits consumed; a refusal is thrown), then marks
   * them and the batch completed, with their events.
   */
  async complete(tx: EntityManager, senderId: string, sender: Wallet, recorded: RecordedBatch) {
    const { batchId, items, sources, fee, feeCurrency } = recorded;
    const ledgerTransactionId = await this.booking.book(tx, {
      sender,
      legs: sources.map((item) => ({ recipientId: item.recipient.userId, amount: item.amount })),
      fee,
      kind: 'batch_transfer',
      reference: batchId,
    });
    const completedAt = new Date();
    const written = await this.write(tx, senderId, recorded, {
      status: 'completed',
      ledgerTransactionId,
      at: completedAt,
    });
    const events: AnyOutboxMessage[] = items.map((item, index): AnyOutboxMessage => {
      const payload: FundsTransferredPayload = {
        transferId: item.id,
        batchId,
        senderId,
        recipientId: item.recipientUserId,
        recipientRef: item.recipientRef,
        currency: item.currency,
        amount: sources[index].amount.toDecimalString(),
        fee: Money.zero(item.currency as CurrencyCode).toDecimalString(),
        note: item.note,
        ledgerTransactionId,
        completedAt: completedAt.toISOString(),
      };
      return {
        type: FundsTransferred,
        aggregateId: item.id,
        userIds: [senderId, item.recipientUserId],
        payload,
      };
    });
    const summary: BatchTransferCompletedPayload = {
      batchId,
      senderId,
      recipientCount: items.length,
      totals: totalsOf(sources.map((item) => item.amount)),
      feeCurrency,
      fee: fee.toDecimalString(),
      ledgerTransactionId,
    };
    events.push({
      type: BatchTransferCompleted,
      aggregateId: batchId,
      userIds: [senderId],
      payload: summary,
    });
    await this.outbox.append(tx, events);
    return {
      ledgerTransactionId,
      completedAt,
      transfers: written.map((transfer) => toTransferView(transfer, senderId)),
    };
  }

  /** Marks every recorded transfer and the batch failed with the refusal, with its event. */
  async fail(
    tx: EntityManager,
    senderId: string,
    recorded: RecordedBatch,
    error: DomainError,
  ): Promise<void> {
    const { batchId, sources, feeCurrency } = recorded;
    await this.booking.lockSender(tx, senderId, [
      ...sources.map((item) => item.amount.currency.code),
      feeCurrency,
    ]);
    await this.write(tx, senderId, recorded, { status: 'failed', error, at: new Date() });
    const payload: TransferFailedPayload = {
      transferId: null,
      batchId,
      senderId,
      currency: feeCurrency,
      amount:
        totalsOf(sources.map((item) => item.amount)).find((t) => t.currency === feeCurrency)?.amount ??
        '0.00',
      reason: error.code,
    };
    await this.outbox.append(tx, [
      { type: TransferFailed, aggregateId: batchId, userIds: [senderId], payload },
    ]);
  }
}

export function totalsOf(amounts: Money[]): Array<{ currency: string; amount: string }> {
  const totals = new Map<CurrencyCode, Money>();
  for (const amount of amounts) {
    const code = amount.currency.code;
    totals.set(code, (totals.get(code) ?? Money.zero(code)).plus(amount));
  }
  return [...totals].map(([currency, total]) => ({ currency, amount: total.toDecimalString() }));
}
