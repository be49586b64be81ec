import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HoldNotPendingError, InsufficientFundsError, LedgerService } from '#monay/ledger';
import { Money, type CurrencyCode } from '#monay/kernel';
import { UnitOfWork } from '#monay/shared';
import { WalletAccess, type Wallet } from '#monay/wallet';
import type { Movement } from '../domain/movement';
import type { ProviderName } from '../domain/stablecoin-provider.port';
import { EXCEPTIONS_SUSPENSE } from '../domain/movement-exception';
import type { Booking, ProviderEffect } from './movement-policy';

/** What a movement's first step counted against the limits (its metadata `limitsConsumed`). */
export interface LimitsConsumed {
  /** USD minor units (cents), as a decimal string. */
  usd: string;
  at: string;
  /** Absent: money out. */
  scope?: 'deposit';
}

/** The suspense account outbound money waits in between the user's hold and the provider's clearing account. */
export const OUTBOUND_SUSPENSE = 'provider-outbound';

/**
 * The ledger side of provider movements (helper brief, "Money semantics through providers"). Every method
 * runs in the caller's transaction.
 *
 * - Money in, when the provider confirms: clearing_P −(A−f), user +(A−f) (the provider withheld its fee).
 * - Money out: before any provider call, a hold on the user's wallet for A + the highest candidate fee, counter
 *   account `suspense`/provider-outbound; when a provider completes: postHold(A + fee) (the rest released) and
 *   suspense −(A+f), clearing_P +(A+f); when it fails: voidHold (restored exactly).
 */
@Injectable()
export class MovementLedger {
  private readonly logger = new Logger('ProviderMovements');

  constructor(
    private readonly ledger: LedgerService,
    private readonly wallets: WalletAccess,
    private readonly uow: UnitOfWork,
  ) {}

  /** Credits a confirmed deposit: the user gets `credited`; the provider's clearing account mirrors it. */
  async creditInbound(
    tx: EntityManager,
    movement: Movement,
    provider: ProviderName,
    fee: bigint,
  ): Promise<Booking> {
    const credited = movement.amount - fee;
    if (credited <= 0n) {
      // The provider call refuses such amounts before sending (policy); reaching this is a bug.
      throw new Error(`Deposit ${movement.id}: fee ${fee} leaves nothing to credit of ${movement.amount}`);
    }
    const [account] = await this.ledger.openUserAccounts(tx, movement.userId, [movement.currency]);
    const clearing = await this.ledger.systemAccount(tx, 'provider_clearing', movement.currency, provider);
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'deposit',
      reference: movement.id,
      metadata: { provider, fee: fee.toString(), method: movement.method },
      entries: [
        { accountId: clearing.id, currency: movement.currency, amount: -credited },
        { accountId: account.id, currency: movement.currency, amount: credited },
      ],
    });
    return { ledgerTransactionId: transactionId };
  }

  /**
   * Counts a deposit against the tier's deposit limits (the USD value of its amount), in the caller's
   * transaction; refused with LimitExceededError. What was counted, to give back should it fail.
   */
  async countDeposit(
    tx: EntityManager,
    input: { wallet: Wallet; currency: CurrencyCode; amount: bigint },
  ): Promise<LimitsConsumed> {
    const usd = this.wallets.usdValue(Money.of(input.amount, input.currency));
    const at = new Date();
    await this.wallets.consumeLimits(tx, input.wallet, usd, at, 'deposit');
    return { usd: usd.minor.toString(), at: at.toISOString(), scope: 'deposit' };
  }

  /** Gives back the limits a movement's first step counted (recorded on it as `limitsConsumed`). */
  async releaseLimits(tx: EntityManager, movement: Movement): Promise<void> {
    const limits = movement.metadata.limitsConsumed as LimitsConsumed | undefined;
    if (!limits) return;
    await this.wallets.releaseLimits(
      tx,
      movement.userId,
      Money.of(BigInt(limits.usd), 'USD'),
      new Date(limits.at),
      limits.scope ?? 'send',
    );
  }

  /**
   * Reserves outbound money: limits and velocity are consumed for the USD value of amount + fee, then a hold
   * of amount + fee is placed on the wallet (refused with InsufficientFundsError / LimitExceededError, which
   * the caller records as the movement's outcome). `consumeLimits: false`: the caller already counted this
   * money against the limits (a batch counts its external part once, however many movements it becomes).
   */
  async reserveOutbound(
    tx: EntityManager,
    input: {
      wallet: Wallet;
      movementId: string;
      kind: string;
      currency: CurrencyCode;
      amount: bigint;
      feeHeld: bigint;
      consumeLimits?: boolean;
    },
  ): Promise<{ holdId: string; limitsConsumed: { usd: string; at: string } | null }> {
    const total = Money.of(input.amount + input.feeHeld, input.currency);
    let limitsConsumed: { usd: string; at: string } | null = null;
    if (input.consumeLimits !== false) {
      const usd = this.wallets.usdValue(total);
      const at = new Date();
      await this.wallets.consumeLimits(tx, input.wallet, usd, at);
      limitsConsumed = { usd: usd.minor.toString(), at: at.toISOString() };
    }
    const [account] = await this.ledger.openUserAccounts(tx, input.wallet.userId, [input.currency]);
    const suspense = await this.ledger.systemAccount(tx, 'suspense', input.currency, OUTBOUND_SUSPENSE);
    const { holdId } = await this.ledger.placeHold(tx, {
      accountId: account.id,
      counterAccountId: suspense.id,
      currency: input.currency,
      amount: total.minor,
      kind: input.kind,
      reference: input.movementId,
      // No expiry: the movement's settlement posts or voids it (see MovementEngine.reserve).
    });
    return { holdId, limitsConsumed };
  }

  /**
   * Books outbound money a provider paid out: the hold is posted for amount + the actual fee (the rest goes
   * back to the wallet) and the provider's clearing account is credited from suspense.
   *
   * Should the hold no longer be postable (a hold placed before holds of movements stopped expiring, voided by the
   * expiry job while the provider had the movement) or the actual fee exceed what was held, the difference is debited from the wallet if it has it; if not, suspense keeps
   * it as a receivable (logged loudly) — the books always balance and the clearing account always mirrors
   * the provider.
   */
  async completeOutbound(
    tx: EntityManager,
    movement: Movement,
    provider: ProviderName,
    fee: bigint,
    kind: string,
  ): Promise<Booking> {
    const { currency } = movement;
    const total = movement.amount + fee;
    const suspense = await this.ledger.systemAccount(tx, 'suspense', currency, OUTBOUND_SUSPENSE);
    let covered = 0n;
    if (movement.holdId) {
      const holdId = movement.holdId;
      const hold = await this.ledger.getHold(tx, holdId);
      const post = total <= hold.amount ? total : hold.amount;
      try {
        await this.uow.savepoint(tx, (inner) => this.ledger.postHold(inner, holdId, post));
        covered = post;
      } catch (error) {
        if (!(error instanceof HoldNotPendingError)) throw error;
        this.logger.error(
          { movementId: movement.id, holdId, provider, err: error },
          'A provider completed an outbound movement whose hold was no longer pending; debiting the wallet directly',
        );
      }
    }
    const shortfall = total - covered;
    const metadata: Record<string, unknown> = {};
    if (shortfall > 0n) {
      const [account] = await this.ledger.openUserAccounts(tx, movement.userId, [currency]);
      try {
        await this.uow.savepoint(tx, (inner) =>
          this.ledger.post(inner, {
            kind,
            reference: movement.id,
            metadata: { provider, shortfall: shortfall.toString() },
            entries: [
              { accountId: account.id, currency, amount: -shortfall },
              { accountId: suspense.id, currency, amount: shortfall },
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof InsufficientFundsError)) throw error;
        metadata.uncoveredShortfall = shortfall.toString();
        this.logger.error(
          { movementId: movement.id, userId: movement.userId, provider, shortfall: shortfall.toString() },
          'Outbound movement paid out but the wallet cannot cover the difference: suspense keeps a receivable',
        );
      }
    }
    const clearing = await this.ledger.systemAccount(tx, 'provider_clearing', currency, provider);
    const { transactionId } = await this.ledger.post(tx, {
      kind,
      reference: movement.id,
      metadata: { provider, fee: fee.toString(), holdId: movement.holdId },
      entries: [
        { accountId: suspense.id, currency, amount: -total },
        { accountId: clearing.id, currency, amount: total },
      ],
    });
    return { ledgerTransactionId: transactionId, metadata };
  }

  /**
   * Books what a provider did for a completed movement that could not be booked where it belongs: per currency,
   * the provider's clearing account mirrors it (−effect) against suspense/movement-exceptions (+effect). The
   * user's accounts are not touched (an outbound movement's hold stays reserved for the retry). The ledger
   * transaction's id.
   */
  async parkInSuspense(
    tx: EntityManager,
    movement: Movement,
    provider: ProviderName,
    effects: ProviderEffect[],
  ): Promise<string> {
    const entries = [];
    for (const { currency, amount } of effects) {
      if (amount === 0n) continue;
      const clearing = await this.ledger.systemAccount(tx, 'provider_clearing', currency, provider);
      const suspense = await this.ledger.systemAccount(tx, 'suspense', currency, EXCEPTIONS_SUSPENSE);
      entries.push(
        { accountId: clearing.id, currency, amount: -amount },
        { accountId: suspense.id, currency, amount },
      );
    }
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'movement_exception',
      reference: movement.id,
      metadata: { provider, parked: true },
      entries,
    });
    return transactionId;
  }

  /** Reverses a posted ledger transaction (its entries negated, in a transaction of kind `reversal`). */
  async reverse(tx: EntityManager, transactionId: string, reference: string): Promise<string> {
    const entries = await this.ledger.transactionEntries(tx, transactionId);
    if (entries.length === 0)
      throw new Error(`Ledger transaction ${transactionId} has no entries to reverse`);
    const reversal = await this.ledger.post(tx, {
      kind: 'reversal',
      reference,
      metadata: { reverses: transactionId },
      entries: entries.map((entry) => ({
        accountId: entry.accountId,
        currency: entry.currency,
        amount: -entry.amount,
      })),
    });
    return reversal.transactionId;
  }

  /**
   * Voids an outbound movement's hold (the balance is restored exactly) and gives back the limits its first
   * step consumed (nothing left the wallet); whether its funds are back.
   */
  async releaseOutbound(tx: EntityManager, movement: Movement): Promise<boolean> {
    const holdId = movement.holdId;
    if (!holdId) return false;
    await this.releaseLimits(tx, movement);
    const hold = await this.ledger.getHold(tx, holdId);
    // An expired hold was released by the expiry job: the funds are back all the same.
    if (hold.status !== 'pending') return hold.status === 'expired';
    try {
      await this.uow.savepoint(tx, (inner) => this.ledger.voidHold(inner, holdId));
      return true;
    } catch (error) {
      // The expiry job got to it in between.
      if (error instanceof HoldNotPendingError) return true;
      throw error;
    }
  }
}
