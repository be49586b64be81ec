import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DepositCompleted,
  DepositFailed,
  DepositInitiated,
  SwapCompleted,
  SwapFailed,
  SwapRequested,
  WithdrawalCompleted,
  WithdrawalFailed,
  WithdrawalRequested,
  type DepositCompletedPayload,
  type DepositFailedPayload,
  type DepositInitiatedPayload,
  type SwapCompletedPayload,
  type SwapFailedPayload,
  type SwapRequestedPayload,
  type WithdrawalCompletedPayload,
  type WithdrawalFailedPayload,
  type WithdrawalRequestedPayload,
} from '#monay/providers';
import {
  EXTERNAL_TRANSFER_EVENT_TYPES,
  ExternalTransferCompleted,
  ExternalTransferRequested,
  type ExternalTransferCompletedPayload,
  type ExternalTransferFailedPayload,
  type ExternalTransferRequestedPayload,
} from '#monay/providers';
import { EventConsumers, type PublishedEvent } from '#monay/shared';
import {
  FundsTransferred,
  maskRecipient,
  TransferFailed,
  type FundsTransferredPayload,
  type TransferFailedPayload,
} from '#monay/transfers';
import { WalletCredited, type WalletCreditedPayload } from '#monay/wallet';
import { InsightsRepository, type ActivityRow } from './insights.repository';
import { minorUnits as minor, Projection } from './projection';

/**
 * Each user's transaction history: deposits, withdrawals, transfers sent and received, refused transfers.
 *
 * A provider movement is one line (id `<movement id>:deposit|withdrawal`, listed under the movement's id) whose
 * status follows it: processing → completed | failed. Its amount is what reached the wallet for a deposit (the
 * provider withheld `fee` from what was sent) and what was paid out for a withdrawal (the wallet paid amount +
 * fee), as for transfers. While a deposit is processing its fee is not known yet: the line shows the amount
 * sent, and the credited amount once confirmed.
 */
@Injectable()
export class ActivityProjection extends Projection {
  readonly name = 'insights.activity';
  protected readonly types = new Set([
    WalletCredited,
    FundsTransferred,
    TransferFailed,
    DepositInitiated,
    DepositCompleted,
    DepositFailed,
    WithdrawalRequested,
    WithdrawalCompleted,
    WithdrawalFailed,
    ...EXTERNAL_TRANSFER_EVENT_TYPES,
    SwapRequested,
    SwapCompleted,
    SwapFailed,
  ]);

  constructor(
    private readonly repository: InsightsRepository,
    consumers: EventConsumers,
  ) {
    super(consumers);
  }

  async apply(tx: EntityManager, event: PublishedEvent): Promise<void> {
    const occurredAt = new Date(event.occurredAt);
    if (event.type === WalletCredited) {
      const p = event.payload as WalletCreditedPayload;
      await this.repository.addActivity(tx, [
        {
          id: `${p.ledgerTransactionId}:in`,
          userId: p.userId,
          type: 'deposit',
          referenceId: p.ledgerTransactionId,
          batchId: null,
          counterpartyUserId: null,
          currency: p.currency,
          amount: minor(p.amount, p.currency),
          fee: minor(p.fee, p.currency),
          status: 'completed',
          failureCode: null,
          note: null,
          occurredAt,
        },
      ]);
    } else if (event.type === FundsTransferred) {
      const p = event.payload as FundsTransferredPayload;
      const common = {
        referenceId: p.transferId,
        batchId: p.batchId,
        currency: p.currency,
        amount: minor(p.amount, p.currency),
        status: 'completed' as const,
        failureCode: null,
        note: p.note,
        occurredAt,
      };
      await this.repository.addActivity(tx, [
        {
          ...common,
          id: `${p.transferId}:out`,
          userId: p.senderId,
          type: 'transfer_out',
          counterpartyUserId: p.recipientId,
          // The sender sees the recipient as they typed it, masked; never the recipient's user id.
          counterpartyDisplay: maskRecipient(p.recipientRef ?? ''),
          fee: minor(p.fee, p.currency),
        },
        {
          ...common,
          id: `${p.transferId}:in`,
          userId: p.recipientId,
          type: 'transfer_in',
          counterpartyUserId: p.senderId,
          fee: 0n,
        },
      ]);
    } else if (MOVEMENT_TYPES.has(event.type)) {
      await this.repository.upsertActivity(tx, movementLine(event, occurredAt));
    } else if (EXTERNAL_TRANSFER_EVENT_TYPES.includes(event.type)) {
      await this.repository.upsertActivity(tx, externalTransferLine(event, occurredAt));
    } else if (SWAP_TYPES.has(event.type)) {
      for (const row of swapLines(event, occurredAt)) await this.repository.upsertActivity(tx, row);
    } else if (event.type === TransferFailed) {
      const p = event.payload as TransferFailedPayload;
      const reference = p.transferId ?? p.batchId ?? event.aggregateId;
      await this.repository.addActivity(tx, [
        {
          id: `${reference}:out`,
          userId: p.senderId,
          type: 'transfer_out',
          referenceId: reference,
          batchId: p.batchId,
          counterpartyUserId: null,
          currency: p.currency,
          amount: minor(p.amount, p.currency),
          fee: 0n,
          status: 'failed',
          failureCode: p.reason,
          note: null,
          occurredAt,
        },
      ]);
    }
  }
}

const MOVEMENT_TYPES: ReadonlySet<string> = new Set([
  DepositInitiated,
  DepositCompleted,
  DepositFailed,
  WithdrawalRequested,
  WithdrawalCompleted,
  WithdrawalFailed,
]);

/** The history line of a deposit or withdrawal through a provider, as one of its events leaves it. */
function movementLine(event: PublishedEvent, occurredAt: Date): ActivityRow {
  const line = (
    type: 'deposit' | 'withdrawal',
    p: { userId: string; currency: string },
    id: string,
    status: ActivityRow['status'],
    amount: string,
    fee: string | null,
    failureCode: string | null = null,
  ): ActivityRow => ({
    id: `${id}:${type}`,
    userId: p.userId,
    type,
    referenceId: id,
    batchId: null,
    counterpartyUserId: null,
    currency: p.currency,
    amount: minor(amount, p.currency),
    fee: fee === null ? 0n : minor(fee, p.currency),
    status,
    failureCode,
    note: null,
    occurredAt,
  });
  switch (event.type) {
    case DepositInitiated: {
      const p = event.payload as DepositInitiatedPayload;
      return line('deposit', p, p.depositId, 'processing', p.amount, null);
    }
    case DepositCompleted: {
      const p = event.payload as DepositCompletedPayload;
      return line('deposit', p, p.depositId, 'completed', p.credited, p.fee);
    }
    case DepositFailed: {
      const p = event.payload as DepositFailedPayload;
      return line('deposit', p, p.depositId, 'failed', p.amount, null, p.reason);
    }
    case WithdrawalRequested: {
      const p = event.payload as WithdrawalRequestedPayload;
      return line('withdrawal', p, p.withdrawalId, 'processing', p.amount, null);
    }
    case WithdrawalCompleted: {
      const p = event.payload as WithdrawalCompletedPayload;
      return line('withdrawal', p, p.withdrawalId, 'completed', p.amount, p.fee);
    }
    default: {
      const p = event.payload as WithdrawalFailedPayload;
      return line('withdrawal', p, p.withdrawalId, 'failed', p.amount, null, p.reason);
    }
  }
}

const SWAP_TYPES: ReadonlySet<string> = new Set([SwapRequested, SwapCompleted, SwapFailed]);

/**
 * A swap's lines of history (ids `<swap id>:swap_out` and `:swap_in`, listed under the swap's id): what was sold,
 * in `from` (fee inside), processing → completed | failed; and, once completed, what was bought, in `to`.
 */
function swapLines(event: PublishedEvent, occurredAt: Date): ActivityRow[] {
  const line = (
    type: 'swap_out' | 'swap_in',
    p: { swapId: string; userId: string },
    currency: string,
    status: ActivityRow['status'],
    amount: string,
    fee: string | null,
    failureCode: string | null = null,
  ): ActivityRow => ({
    id: `${p.swapId}:${type}`,
    userId: p.userId,
    type,
    referenceId: p.swapId,
    batchId: null,
    counterpartyUserId: null,
    currency,
    amount: minor(amount, currency),
    fee: fee === null ? 0n : minor(fee, currency),
    status,
    failureCode,
    note: null,
    occurredAt,
  });
  switch (event.type) {
    case SwapRequested: {
      const p = event.payload as SwapRequestedPayload;
      return [line('swap_out', p, p.from, 'processing', p.amountIn, p.fee)];
    }
    case SwapCompleted: {
      const p = event.payload as SwapCompletedPayload;
      return [
        line('swap_out', p, p.from, 'completed', p.amountIn, p.fee),
        line('swap_in', p, p.to, 'completed', p.amountOut, null),
      ];
    }
    default: {
      const p = event.payload as SwapFailedPayload;
      return [line('swap_out', p, p.from, 'failed', p.amountIn, null, p.reason)];
    }
  }
}

/**
 * The history line of a transfer to an external 0x address (or of a provider batch of them: one line for the
 * batch, its amount the sum of its legs): a `transfer_out` with no Monay counterparty, id
 * `<movement id>:external`, listed under the movement's id; processing → completed (fee known) | failed.
 */
function externalTransferLine(event: PublishedEvent, occurredAt: Date): ActivityRow {
  const p = event.payload as
    ExternalTransferRequestedPayload | ExternalTransferCompletedPayload | ExternalTransferFailedPayload;
  const completed = event.type === ExternalTransferCompleted;
  const status = event.type === ExternalTransferRequested ? 'processing' : completed ? 'completed' : 'failed';
  return {
    id: `${p.transferId}:external`,
    userId: p.userId,
    type: 'transfer_out',
    referenceId: p.transferId,
    batchId: p.batchId,
    counterpartyUserId: null,
    currency: p.currency,
    amount: minor(p.amount, p.currency),
    fee: completed ? minor((p as ExternalTransferCompletedPayload).fee, p.currency) : 0n,
    status,
    failureCode: status === 'failed' ? (p as ExternalTransferFailedPayload).reason : null,
    note: p.note,
    occurredAt,
  };
}
