import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Money, type CurrencyCode, type DomainError } from '#monay/kernel';
import { StepUp } from '#monay/identity';
import {
  InvalidExternalAddressError,
  PayoutDestinations,
  SendExternalBatchCommand,
  type BatchInternalPart,
  type ExternalBatchLeg,
  type InternalBatchBooking,
} from '#monay/providers';
import {
  AppConfig,
  IdempotentExecutor,
  OutboxRelay,
  OutboxWriter,
  UnitOfWork,
  type AnyOutboxMessage,
} from '#monay/shared';
import { WalletAccess, type Wallet } from '#monay/wallet';
import {
  BatchTransferCompleted,
  BatchTransferCompletedPayload,
  FundsTransferred,
  FundsTransferredPayload,
  TransferFailed,
  TransferFailedPayload,
} from '../../../domain/events/transfer.events';
import { FeeSchedule } from '../../../domain/fee-schedule';
import { classifyRecipient } from '../../../domain/recipient-ref';
import { TransferLifecycle } from '../../../domain/transfer';
import { BatchRecipientInvalidError } from '../../../domain/transfer.errors';
import { TransferRecord, TransferRepository } from '../../../infrastructure/transfer.repository';
import { RecipientResolver, type Resolution } from '../../recipient-resolver';
import { TransferBooking } from '../../transfer-booking';
import { errorBody, isRecordableRefusal } from '../../transfer-outcome';
import { toTransferView } from '../../transfer-view';
import { SendBatchTransferCommand } from './send-batch-transfer.command';

const SCOPE = 'consumer.batch-transfer';

type ResolvedRecipient = Extract<Resolution, { ok: true }>;

/** The internal recipients of a batch, resolved: what one ledger transaction pays. */
interface InternalItem {
  index: number;
  to: string;
  recipient: ResolvedRecipient;
  amount: Money;
  note: string | null;
}

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
 * Up to 1,000 recipients. Monay recipients are paid all or nothing: one ledger transaction, one batch id,
 * limits counted on the batch total, the fee charged once (in the first Monay recipient's currency). A
 * recipient that cannot be resolved refuses the whole batch before anything is written, naming its index;
 * a malformed `0x` address too (400).
 *
 * A batch with external `0x` recipients goes to the providers (SendExternalBatchCommand): the Monay recipients
 * are booked exactly as above, inside that request's first transaction, so that the whole request is refused
 * if the sender cannot cover the internal legs, the external legs and every fee held (see
 * SendExternalBatchHandler for the external legs and the shared Idempotency-Key).
 */
@CommandHandler(SendBatchTransferCommand)
export class SendBatchTransferHandler implements ICommandHandler<SendBatchTransferCommand> {
  private readonly fees: FeeSchedule;

  constructor(
    private readonly recipients: RecipientResolver,
    private readonly wallets: WalletAccess,
    private readonly booking: TransferBooking,
    private readonly transfers: TransferRepository,
    private readonly executor: IdempotentExecutor,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly commands: CommandBus,
    private readonly stepUp: StepUp,
    private readonly payouts: PayoutDestinations,
    config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  async execute(command: SendBatchTransferCommand) {
    const refs = command.recipients.map((r) => classifyRecipient(r.to));
    const malformed = refs.findIndex((ref) => ref.kind === 'invalid_address');
    if (malformed >= 0) throw new InvalidExternalAddressError(`recipients.${malformed}.to`);

    const external: ExternalBatchLeg[] = [];
    const internalRequests: Array<{ index: number; to: string; amount: Money; note: string | null }> = [];
    command.recipients.forEach((item, index) => {
      const ref = refs[index];
      if (ref.kind === 'external')
        external.push({ index, to: ref.value, amount: item.amount, note: item.note });
      else internalRequests.push({ index, ...item });
    });

    const resolved =
      internalRequests.length === 0
        ? []
        : await this.recipients.resolveMany(
            command.senderId,
            internalRequests.map((r) => r.to),
          );
    const items: InternalItem[] = resolved.map((resolution, position) => {
      const request = internalRequests[position];
      if (!resolution.ok) throw new BatchRecipientInvalidError(request.index, resolution.error);
      return { ...request, recipient: resolution };
    });
    const idempotent = {
      userId: command.senderId,
      key: command.idempotencyKey,
      scope: SCOPE,
      body: command.request,
    };
    // Before the key is claimed (here or by the providers' batch), so a 403 STEP_UP_REQUIRED is not stored. The
    // amount is the batch total in USD; with 2FA, any new Monay recipient or new external address steps up.
    const recipientIds = [...new Set(items.map((item) => item.recipient.userId))];
    await this.stepUp.assert({
      userId: command.senderId,
      context: command.stepUp,
      operation: 'batch_transfer',
      amountUsd: command.recipients.reduce(
        (total, item) => total.plus(this.wallets.usdValue(item.amount)),
        Money.zero('USD'),
      ),
      newRecipient: async () => {
        const paid = await this.transfers.paidBefore(command.senderId, recipientIds);
        return recipientIds.some((id) => !paid.has(id));
      },
      newDestination: async () =>
        external.length > 0 &&
        (await this.payouts.anyNew(
          command.senderId,
          external.map((leg) => leg.to),
        )),
      alreadyAnswered: () => this.executor.answered(idempotent),
    });
    const [sender] = await this.wallets.ensureWallets([
      command.senderId,
      ...items.map((item) => item.recipient.userId),
    ]);

    if (external.length > 0) {
      const internal: BatchInternalPart | null =
        items.length === 0
          ? null
          : {
              legs: items.map((item) => ({ index: item.index, to: item.to, amount: item.amount })),
              book: (tx, batchId) => this.bookInternal(tx, command.senderId, sender, items, batchId),
              refuse: (tx, batchId, error) =>
                this.refuseInternal(tx, command.senderId, items, batchId, error),
            };
      return this.commands.execute(
        new SendExternalBatchCommand(
          command.senderId,
          { key: command.idempotencyKey, scope: SCOPE, body: command.request },
          command.recipients.length,
          external,
          internal,
        ),
      );
    }

    const result = await this.executor.execute(idempotent, async (tx) => {
      const recorded = this.record(command.senderId, items, randomUUID());
      const { batchId, feeCurrency, fee } = recorded;
      try {
        const done = await this.uow.savepoint(tx, (inner) =>
          this.complete(inner, command.senderId, sender, recorded),
        );
        return {
          status: 201,
          body: {
            success: true,
            batch: {
              id: batchId,
              status: 'completed',
              recipientCount: recorded.items.length,
              totals: totalsOf(items.map((item) => item.amount)),
              fee: fee.toDecimalString(),
              feeCurrency,
              ledgerTransactionId: done.ledgerTransactionId,
              completedAt: done.completedAt.toISOString(),
              transfers: done.transfers,
            },
          },
        };
      } catch (error) {
        if (!isRecordableRefusal(error)) throw error;
        await this.fail(tx, command.senderId, recorded, error);
        return {
          status: 422,
          body: {
            success: false,
            error: errorBody(error),
            batch: { id: batchId, status: 'failed', recipientCount: recorded.items.length },
          },
        };
      }
    });
    this.relay.nudge();
    return result;
  }

  /** The internal part of a batch with external recipients, booked in that request's transaction. */
  private async bookInternal(
    tx: EntityManager,
    senderId: string,
    sender: Wallet,
    items: InternalItem[],
    batchId: string,
  ): Promise<InternalBatchBooking> {
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

  /** The internal part of a refused batch with external recipients: recorded failed, as a refused batch is. */
  private async refuseInternal(
    tx: EntityManager,
    senderId: string,
    items: InternalItem[],
    batchId: string,
    error: DomainError,
  ): Promise<void> {
    await this.fail(tx, senderId, this.record(senderId, items, batchId), error);
  }

  /** The batch and its transfers, processing (in memory: nothing is written before the outcome is known). */
  private record(senderId: string, sources: InternalItem[], batchId: string): RecordedBatch {
    const now = new Date();
    const feeCurrency = sources[0].amount.currency.code;
    const fee = this.fees.batch(feeCurrency);
    const lifecycles = new Map<string, TransferLifecycle>();
    const items: TransferRecord[] = sources.map((item) => {
      const id = randomUUID();
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
  private async complete(tx: EntityManager, senderId: string, sender: Wallet, recorded: RecordedBatch) {
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
  private async fail(
    tx: EntityManager,
    senderId: string,
    recorded: RecordedBatch,
    error: DomainError,
  ): Promise<void> {
    const { batchId, sources, feeCurrency } = recorded;
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

function totalsOf(amounts: Money[]): Array<{ currency: string; amount: string }> {
  const totals = new Map<CurrencyCode, Money>();
  for (const amount of amounts) {
    const code = amount.currency.code;
    totals.set(code, (totals.get(code) ?? Money.zero(code)).plus(amount));
  }
  return [...totals].map(([currency, total]) => ({ currency, amount: total.toDecimalString() }));
}
