import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Money } from '#monay/kernel';
import { StepUp } from '#monay/identity';
import {
  ExternalPayments,
  InvalidExternalAddressError,
  type ExternalBatchLeg,
  type InternalBatchPart,
} from '#monay/providers';
import { newId, IdempotentExecutor, OutboxRelay, UnitOfWork } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { classifyRecipient } from '../../../domain/recipient-ref';
import { BatchRecipientInvalidError } from '../../../domain/transfer.errors';
import { TransferRepository } from '../../../infrastructure/transfer.repository';
import { BatchTransfers, totalsOf, type InternalItem } from '../../batch-transfers';
import { RecipientResolver } from '../../recipient-resolver';
import { errorBody, isRecordableRefusal } from '../../transfer-outcome';
import { SendBatchTransferCommand } from './send-batch-transfer.command';

const SCOPE = 'consumer.batch-transfer';

/**
 * Up to 1,000 recipients. Monay recipients are paid all or nothing: one ledger transaction, one batch id,
 * limits counted on the batch total, the fee charged once (in the first Monay recipient's currency). A
 * recipient that cannot be resolved refuses the whole batch before anything is written, naming its index;
 * a malformed `0x` address too (400).
 *
 * A batch with external `0x` recipients goes to the providers (ExternalPayments.sendBatch, with data only): the Monay
 * recipients are booked exactly as above (BatchTransfers, through providers' InternalBatchBooking port), inside that request's first transaction, so that the whole request is refused
 * if the sender cannot cover the internal legs, the external legs and every fee held (see
 * SendExternalBatchHandler for the external legs and the shared Idempotency-Key).
 */
@CommandHandler(SendBatchTransferCommand)
export class SendBatchTransferHandler implements ICommandHandler<SendBatchTransferCommand> {
  constructor(
    private readonly recipients: RecipientResolver,
    private readonly wallets: WalletAccess,
    private readonly transfers: TransferRepository,
    private readonly executor: IdempotentExecutor,
    private readonly uow: UnitOfWork,
    private readonly relay: OutboxRelay,
    private readonly stepUp: StepUp,
    private readonly payments: ExternalPayments,
    private readonly batches: BatchTransfers,
  ) {}

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
        (await this.payments.anyNewDestination(
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
      const internal: InternalBatchPart | null =
        items.length === 0
          ? null
          : {
              senderId: command.senderId,
              legs: items.map(({ index, to, amount, note, recipient }) => ({
                index,
                to,
                amount,
                note,
                recipient: { userId: recipient.userId, ref: recipient.ref },
              })),
            };
      return this.payments.sendBatch({
        userId: command.senderId,
        idempotency: { key: command.idempotencyKey, scope: SCOPE, body: command.request },
        recipientCount: command.recipients.length,
        external,
        internal,
      });
    }

    const result = await this.executor.execute(idempotent, async (tx) => {
      const recorded = this.batches.record(command.senderId, items, newId());
      const { batchId, feeCurrency, fee } = recorded;
      try {
        const done = await this.uow.savepoint(tx, (inner) =>
          this.batches.complete(inner, command.senderId, sender, recorded),
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
        await this.batches.fail(tx, command.senderId, recorded, error);
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
}
