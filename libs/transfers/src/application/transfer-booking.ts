import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { Money, type CurrencyCode } from '#monay/kernel';
import { WalletAccess } from '#monay/wallet';
import type { Wallet } from '#monay/wallet';
import type { Guard, SqlWrite } from '#monay/shared';
import { isRecordableRefusal } from './transfer-outcome';

export interface Leg {
  recipientId: string;
  amount: Money;
}

export interface BookingInput {
  sender: Wallet;
  legs: Leg[];
  fee: Money;
  kind: 'p2p_transfer' | 'batch_transfer';
  reference: string;
  /** The ledger transaction's id, named by the caller's `after` writes; else a new one. */
  transactionId?: string;
}

/**
 * The money part of every internal transfer, inside the caller's transaction: limits and velocity are
 * consumed for the USD value of the whole movement, then one balanced ledger transaction moves every leg
 * and the fee (sender debited amount + fee per currency; recipients credited; fees account credited) — one
 * statement, the limits first (WalletAccess.sendLimitsWrite carried by LedgerService.post), the caller's `after`
 * writes last. A refusal of either may leave the other's writes in part, and `after` is written whatever the outcome:
 * the caller undoes them (its savepoint or its transaction).
 */
@Injectable()
export class TransferBooking {
  constructor(
    private readonly ledger: LedgerService,
    private readonly wallets: WalletAccess,
  ) {}

  /**
   * After a refusal undid the booking (and its locks): locks the sender's accounts again, so the failure the caller
   * records next keeps the sender's journal in commit order (LedgerService.lockUserAccounts).
   */
  lockSender(tx: EntityManager, senderId: string, currencies: CurrencyCode[]): Promise<void> {
    return this.ledger.lockUserAccounts(tx, senderId, currencies);
  }

  async book(tx: EntityManager, input: BookingInput, after: readonly SqlWrite[] = []): Promise<string> {
    const { limits, posting } = await this.posting(tx, input);
    const { transactionId } = await this.ledger.post(tx, posting, limits, after);
    return transactionId;
  }

  /**
   * {@link book} as ONE autocommit statement, all or nothing (LedgerService.postAtOnce): `claim` (the idempotency
   * key, with its answer), the limits, the ledger, then `after`. False, with nothing written, when anything refused
   * (a limit too, even one refused before the statement): the caller then books in a transaction, which explains it.
   */
  async bookAtOnce(
    manager: EntityManager,
    input: BookingInput,
    claim: Guard,
    after: readonly SqlWrite[],
  ): Promise<boolean> {
    try {
      const { limits, posting } = await this.posting(manager, input);
      return await this.ledger.postAtOnce(manager, posting, [claim, limits], after);
    } catch (error) {
      if (isRecordableRefusal(error)) return false;
      throw error;
    }
  }

  /** The limits the movement consumes and its balanced ledger posting (legs, fee, sender's debits). */
  private async posting(tx: EntityManager, input: BookingInput) {
    const { sender, legs, fee } = input;
    let usd = Money.zero('USD');
    for (const leg of legs) usd = usd.plus(this.wallets.usdValue(leg.amount));
    // The limits are consumed by the ledger's own statement, before it writes (one round trip for both).
    const limits = this.wallets.sendLimitsWrite(sender, usd.plus(this.wallets.usdValue(fee)));

    const currencies = [...new Set([...legs.map((leg) => leg.amount.currency.code), fee.currency.code])];
    const accounts = await this.ledger.userAccountIds(
      tx,
      [sender.userId, ...legs.map((leg) => leg.recipientId)],
      currencies,
    );
    const accountOf = (ownerId: string, currency: CurrencyCode) => {
      const id = accounts.get(`${ownerId}:${currency}`);
      if (!id) throw new Error(`no ${currency} account for ${ownerId}`);
      return id;
    };

    const debits = new Map<CurrencyCode, bigint>();
    const entries = legs.map((leg) => {
      const currency = leg.amount.currency.code;
      debits.set(currency, (debits.get(currency) ?? 0n) + leg.amount.minor);
      return { accountId: accountOf(leg.recipientId, currency), currency, amount: leg.amount.minor };
    });
    if (fee.isPositive()) {
      const currency = fee.currency.code;
      debits.set(currency, (debits.get(currency) ?? 0n) + fee.minor);
      const fees = await this.ledger.systemAccount(tx, 'fees', currency);
      entries.push({ accountId: fees.id, currency, amount: fee.minor });
    }
    for (const [currency, total] of debits) {
      entries.unshift({ accountId: accountOf(sender.userId, currency), currency, amount: -total });
    }
    return {
      limits,
      posting: { id: input.transactionId, kind: input.kind, reference: input.reference, entries },
    };
  }
}
