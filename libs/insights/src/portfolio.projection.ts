import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money, type CurrencyCode } from '#monay/kernel';
import { EventConsumers, type EventConsumer, type PublishedEvent } from '#monay/shared';
import {
  BatchTransferCompleted,
  FundsTransferred,
  type BatchTransferCompletedPayload,
  type FundsTransferredPayload,
} from '#monay/transfers';
import { WalletCredited, type WalletCreditedPayload } from '#monay/wallet';
import { InsightsRepository } from './insights.repository';

const minor = (amount: string, currency: string) => Money.parse(amount, currency as CurrencyCode).minor;

/** Each user's total per currency, from the events that move money (equal to the ledger after every event). */
@Injectable()
export class PortfolioProjection implements EventConsumer, OnModuleInit {
  readonly name = 'insights.portfolio';
  private readonly types = new Set([WalletCredited, FundsTransferred, BatchTransferCompleted]);

  constructor(
    private readonly repository: InsightsRepository,
    private readonly consumers: EventConsumers,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  handles(type: string): boolean {
    return this.types.has(type);
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
    } else if (event.type === BatchTransferCompleted) {
      const p = event.payload as BatchTransferCompletedPayload;
      const fee = minor(p.fee, p.feeCurrency);
      if (fee > 0n) await this.repository.addToPortfolio(tx, p.senderId, p.feeCurrency, -fee);
    }
  }
}
