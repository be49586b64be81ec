import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EventConsumers, type PublishedEvent } from '#monay/shared';
import {
  FundsTransferred,
  TransferFailed,
  type FundsTransferredPayload,
  type TransferFailedPayload,
} from '#monay/transfers';
import { WalletCredited, type WalletCreditedPayload } from '#monay/wallet';
import { InsightsRepository } from './insights.repository';
import { minorUnits as minor, Projection } from './projection';

/** Each user's transaction history: deposits, transfers sent and received, refused transfers. */
@Injectable()
export class ActivityProjection extends Projection {
  readonly name = 'insights.activity';
  protected readonly types = new Set([WalletCredited, FundsTransferred, TransferFailed]);

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
