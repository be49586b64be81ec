import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { StepUp } from '#monay/identity';
import { ExternalPayments, InvalidExternalAddressError } from '#monay/providers';
import { AppConfig, IdempotentExecutor, OutboxRelay, OutboxWriter, UnitOfWork } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import {
  FundsTransferred,
  FundsTransferredPayload,
  TransferFailed,
  TransferFailedPayload,
} from '../../../domain/events/transfer.events';
import { FeeSchedule } from '../../../domain/fee-schedule';
import { classifyRecipient } from '../../../domain/recipient-ref';
import { TransferLifecycle } from '../../../domain/transfer';
import { TransferRecord, TransferRepository } from '../../../infrastructure/transfer.repository';
import { RecipientResolver } from '../../recipient-resolver';
import { TransferBooking } from '../../transfer-booking';
import { errorBody, isRecordableRefusal } from '../../transfer-outcome';
import { toHistoryView, toTransferView } from '../../transfer-view';
import { SendP2pTransferCommand } from './send-p2p-transfer.command';

/**
 * One wallet pays another. A `0x` address is not a wallet here: that transfer goes out on chain through the
 * providers (ExternalPayments.send: hold, route, post or void), with the same key and route scope.
 *
 * In one database transaction: (in a savepoint) limits are consumed and the ledger moves the money, then the
 * transfer is recorded completed, with its whole history, in one statement; a refusal (insufficient funds, a
 * limit) undoes only the savepoint and records the transfer as failed with its reason. The answer is stored
 * with the key.
 */
@CommandHandler(SendP2pTransferCommand)
export class SendP2pTransferHandler implements ICommandHandler<SendP2pTransferCommand> {
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
    private readonly payments: ExternalPayments,
    private readonly stepUp: StepUp,
    config: AppConfig,
  ) {
    this.fees = new FeeSchedule(config.fees);
  }

  async execute(command: SendP2pTransferCommand) {
    const ref = classifyRecipient(command.to);
    if (ref.kind === 'invalid_address') throw new InvalidExternalAddressError('to');
    if (ref.kind === 'external') {
      return this.payments.send({
        userId: command.senderId,
        idempotencyKey: command.idempotencyKey,
        scope: command.scope,
        to: ref.value,
        amount: command.amount,
        note: command.note,
        request: command.request,
        stepUp: command.stepUp,
      });
    }
    const [recipient] = await this.recipients.resolveMany(command.senderId, [command.to]);
    if (!recipient.ok) throw recipient.error;
    const idempotent = {
      userId: command.senderId,
      key: command.idempotencyKey,
      scope: command.scope,
      body: command.request,
    };
    // Before the key is claimed: a refusal (403 STEP_UP_REQUIRED) is not stored, so the same key goes through
    // once the client steps up. A recurring occurrence (no step-up context) was authorised with its schedule.
    if (command.stepUp) {
      await this.stepUp.assert({
        userId: command.senderId,
        context: command.stepUp,
        operation: 'p2p_transfer',
        amountUsd: this.wallets.usdValue(command.amount),
        newRecipient: async () =>
          !(await this.transfers.paidBefore(command.senderId, [recipient.userId])).has(recipient.userId),
        alreadyAnswered: () => this.executor.answered(idempotent),
      });
    }
    const [sender] = await this.wallets.ensureWallets([command.senderId, recipient.userId]);
    const { amount } = command;
    const fee = this.fees.p2p(amount.currency.code);

    const result = await this.executor.execute(idempotent, async (tx) => {
      const now = new Date();
      const lifecycle = new TransferLifecycle('pending', now);
      lifecycle.moveTo('processing', undefined, now);
      const transfer: TransferRecord = {
        id: randomUUID(),
        batchId: null,
        senderUserId: command.senderId,
        recipientUserId: recipient.userId,
        recipientRef: recipient.ref,
        currency: amount.currency.code,
        amount: amount.minor,
        fee: fee.minor,
        note: command.note,
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
          senderId: command.senderId,
          recipientId: recipient.userId,
          recipientRef: recipient.ref,
          currency: amount.currency.code,
          amount: amount.toDecimalString(),
          fee: fee.toDecimalString(),
          note: command.note,
          ledgerTransactionId,
          completedAt: completedAt.toISOString(),
        };
        await this.outbox.append(tx, [
          {
            type: FundsTransferred,
            aggregateId: transfer.id,
            userIds: [command.senderId, recipient.userId],
            payload,
          },
        ]);
        return {
          status: 201,
          body: {
            success: true,
            transfer: {
              ...toTransferView(transfer, command.senderId),
              recipient: { displayName: recipient.displayName },
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
          senderId: command.senderId,
          currency: amount.currency.code,
          amount: amount.toDecimalString(),
          reason: error.code,
        };
        await this.outbox.append(tx, [
          { type: TransferFailed, aggregateId: transfer.id, userIds: [command.senderId], payload },
        ]);
        return {
          status: 422,
          body: {
            success: false,
            error: errorBody(error),
            transfer: toTransferView(transfer, command.senderId),
            history: toHistoryView(lifecycle.history),
          },
        };
      }
    });
    this.relay.nudge();
    return result;
  }
}
