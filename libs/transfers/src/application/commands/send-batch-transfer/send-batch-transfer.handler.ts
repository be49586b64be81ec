import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Money, type CurrencyCode } from '#monay/kernel';
import {
  AppConfig,
  IdempotentExecutor,
  OutboxRelay,
  OutboxWriter,
  UnitOfWork,
  type OutboxMessage,
} from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import {
  BatchTransferCompleted,
  BatchTransferCompletedPayload,
  FundsTransferred,
  FundsTransferredPayload,
  TransferFailed,
  TransferFailedPayload,
} from '../../../domain/events/transfer.events';
import { FeeSchedule } from '../../../domain/fee-schedule';
import { TransferLifecycle } from '../../../domain/transfer';
import { BatchRecipientInvalidError } from '../../../domain/transfer.errors';
import { TransferRecord, TransferRepository } from '../../../infrastructure/transfer.repository';
import { RecipientResolver } from '../../recipient-resolver';
import { TransferBooking } from '../../transfer-booking';
import { errorBody, isRecordableRefusal } from '../../transfer-outcome';
import { toTransferView } from '../../transfer-view';
import { SendBatchTransferCommand } from './send-batch-transfer.command';

/**
 * Up to 1,000 recipients, all or nothing: one ledger transaction, one batch id, limits counted on the
 * batch total, the fee charged once (in the first recipient's currency). A recipient that cannot be
 * resolved refuses the whole batch before anything is written, naming its index.
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
    config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  async execute(command: SendBatchTransferCommand) {
    const resolved = await this.recipients.resolveMany(
      command.senderId,
      command.recipients.map((r) => r.to),
    );
    const invalid = resolved.findIndex((r) => !r.ok);
    if (invalid >= 0) {
      const failure = resolved[invalid];
      if (!failure.ok) throw new BatchRecipientInvalidError(invalid, failure.error);
    }
    const recipients = resolved.map((r) => {
      if (!r.ok) throw r.error;
      return r;
    });
    const sender = await this.wallets.ensureWallet(command.senderId);
    await Promise.all(
      [...new Set(recipients.map((r) => r.userId))].map((id) => this.wallets.ensureWallet(id)),
    );
    const feeCurrency = command.recipients[0].amount.currency.code;
    const fee = this.fees.batch(feeCurrency);

    const result = await this.executor.execute(
      {
        userId: command.senderId,
        key: command.idempotencyKey,
        scope: 'consumer.batch-transfer',
        body: command.request,
      },
      async (tx) => {
        const now = new Date();
        const batchId = randomUUID();
        const lifecycles = new Map<string, TransferLifecycle>();
        const items: TransferRecord[] = command.recipients.map((item, index) => {
          const id = randomUUID();
          const lifecycle = new TransferLifecycle('pending', now);
          lifecycle.moveTo('processing', undefined, now);
          lifecycles.set(id, lifecycle);
          return {
            id,
            batchId,
            senderUserId: command.senderId,
            recipientUserId: recipients[index].userId,
            recipientRef: recipients[index].ref,
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
        await this.transfers.insertBatch(tx, {
          id: batchId,
          senderUserId: command.senderId,
          recipientCount: items.length,
          feeCurrency,
          fee: fee.minor,
        });
        const history = new Map([...lifecycles].map(([id, lifecycle]) => [id, lifecycle.history]));
        await this.transfers.insert(tx, items, history);
        const ids = items.map((item) => item.id);
        const totals = totalsOf(command.recipients.map((r) => r.amount));

        try {
          const ledgerTransactionId = await this.uow.savepoint(tx, (inner) =>
            this.booking.book(inner, {
              sender,
              legs: command.recipients.map((item, index) => ({
                recipientId: recipients[index].userId,
                amount: item.amount,
              })),
              fee,
              kind: 'batch_transfer',
              reference: batchId,
            }),
          );
          const completedAt = new Date();
          await this.transfers.finish(tx, ids, { status: 'completed', ledgerTransactionId, at: completedAt });
          await this.transfers.finishBatch(tx, batchId, { status: 'completed', ledgerTransactionId });
          const events: OutboxMessage[] = items.map((item, index) => {
            const payload: FundsTransferredPayload = {
              transferId: item.id,
              batchId,
              senderId: command.senderId,
              recipientId: item.recipientUserId,
              currency: item.currency,
              amount: command.recipients[index].amount.toDecimalString(),
              fee: Money.zero(item.currency as CurrencyCode).toDecimalString(),
              note: item.note,
              ledgerTransactionId,
              completedAt: completedAt.toISOString(),
            };
            return {
              type: FundsTransferred,
              aggregateId: item.id,
              userIds: [command.senderId, item.recipientUserId],
              payload,
            };
          });
          const summary: BatchTransferCompletedPayload = {
            batchId,
            senderId: command.senderId,
            recipientCount: items.length,
            totals,
            feeCurrency,
            fee: fee.toDecimalString(),
            ledgerTransactionId,
          };
          events.push({
            type: BatchTransferCompleted,
            aggregateId: batchId,
            userIds: [command.senderId],
            payload: summary,
          });
          await this.outbox.append(tx, events);
          return {
            status: 201,
            body: {
              success: true,
              batch: {
                id: batchId,
                status: 'completed',
                recipientCount: items.length,
                totals,
                fee: fee.toDecimalString(),
                feeCurrency,
                ledgerTransactionId,
                completedAt: completedAt.toISOString(),
                transfers: items.map((item) =>
                  toTransferView({ ...item, status: 'completed', ledgerTransactionId, completedAt }),
                ),
              },
            },
          };
        } catch (error) {
          if (!isRecordableRefusal(error)) throw error;
          const failedAt = new Date();
          await this.transfers.finish(tx, ids, {
            status: 'failed',
            failureCode: error.code,
            failureMessage: error.message,
            at: failedAt,
          });
          await this.transfers.finishBatch(tx, batchId, { status: 'failed', failureCode: error.code });
          const payload: TransferFailedPayload = {
            transferId: null,
            batchId,
            senderId: command.senderId,
            currency: feeCurrency,
            amount: totals.find((t) => t.currency === feeCurrency)?.amount ?? '0.00',
            reason: error.code,
          };
          await this.outbox.append(tx, [
            { type: TransferFailed, aggregateId: batchId, userIds: [command.senderId], payload },
          ]);
          return {
            status: 422,
            body: {
              success: false,
              error: errorBody(error),
              batch: { id: batchId, status: 'failed', recipientCount: items.length },
            },
          };
        }
      },
    );
    this.relay.nudge();
    return result;
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
