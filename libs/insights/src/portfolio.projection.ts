import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DepositCompleted,
  SwapCompleted,
  WithdrawalCompleted,
  type DepositCompletedPayload,
  type SwapCompletedPayload,
  type WithdrawalCompletedPayload,
} from '#monay/providers';
import { ExternalTransferCompleted, type ExternalTransferCompletedPayload } from '#monay/providers';
import { EventConsumers, type PublishedEvent } from '#monay/shared';
import {
  BatchTransferCompleted,
  FundsTransferred,
  type BatchTransferCompletedPayload,
  type FundsTransferredPayload,
} from '#monay/transfers';
import { WalletCredited, type WalletCreditedPayload } from '#monay/wallet';
import { InsightsRepository } from './insights.repository';
import { minorUnits as minor, Projection } from './projection';

/**
 * Each user's total per currency, from the events that move money (equal to the ledger's POSTED balance after
 * every event). A withdrawal's hold moves nothing posted (it lowers what is available): only its completion
 * (amount + fee debited) and a deposit's confirmation (the credited amount) change the total.
 */
@Injectable()
export class PortfolioProjection extends Projection {
  readonly name = 'insights.portfolio';
  protected readonly types = new Set([
    WalletCredited,
    FundsTransferred,
    BatchTransferCompleted,
    DepositCompleted,
    WithdrawalCompleted,
    ExternalTransferCompleted,
    SwapCompleted,
  ]);

  constructor(
    private readonly repository: InsightsRepository,
    consumers: EventConsumers,
  ) {
    super(consumers);
  }

  async apply(tx: EntityManager, event: PublishedEvent): Promise<void> {
    if (event.type === WalletCredited) {
      const p = event.payload as WalletCreditedPayload;
      await this.repository.addToPortfolio(
        tx,
        p.userId,
        p.currency,
        minor(p.amount, p.currency) - minor(p.fee, p.currency),
      );
    } else if (event.type === FundsTransferred) {
      const p = event.payload as FundsTransferredPayload;
      const amount = minor(p.amount, p.currency);
      await this.repository.addToPortfolio(tx, p.senderId, p.currency, -(amount + minor(p.fee, p.currency)));
      await this.repository.addToPortfolio(tx, p.recipientId, p.currency, amount);
    } else if (event.type === DepositCompleted) {
      const p = event.payload as DepositCompletedPayload;
      await this.repository.addToPortfolio(tx, p.userId, p.currency, minor(p.credited, p.currency));
    } else if (event.type === WithdrawalCompleted) {
      const p = event.payload as WithdrawalCompletedPayload;
      await this.repository.addToPortfolio(tx, p.userId, p.currency, -minor(p.debited, p.currency));
    } else if (event.type === ExternalTransferCompleted) {
      // An external transfer (or a provider batch of them): amount + the provider's fee left the wallet.
      const p = event.payload as ExternalTransferCompletedPayload;
      await this.repository.addToPortfolio(tx, p.userId, p.currency, -minor(p.debited, p.currency));
    } else if (event.type === SwapCompleted) {
      // The hold moved nothing posted; the swap debits amountIn (fee inside) and credits amountOut.
      const p = event.payload as SwapCompletedPayload;
      await this.repository.addToPortfolio(tx, p.userId, p.from, -minor(p.amountIn, p.from));
      await this.repository.addToPortfolio(tx, p.userId, p.to, minor(p.amountOut, p.to));
    } else if (event.type === BatchTransferCompleted) {
      const p = event.payload as BatchTransferCompletedPayload;
      const fee = minor(p.fee, p.feeCurrency);
      if (fee > 0n) await this.repository.addToPortfolio(tx, p.senderId, p.feeCurrency, -fee);
    }
  }
}
