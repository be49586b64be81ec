import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { HoldNotPendingError, InsufficientFundsError, LedgerService } from '#monay/ledger';
import { UnitOfWork } from '#monay/shared';
import type { Movement } from '../domain/movement';
import type { ProviderTransaction } from '../domain/stablecoin-provider.port';
import { roundingRemainder, type SwapTerms } from '../domain/swap';
import { OUTBOUND_SUSPENSE } from '../movements/movement-ledger';
import type { Booking } from '../movements/movement-policy';

/**
 * The ledger side of a swap (helper brief, "Money semantics through providers"), in the settling transaction.
 * The first step held A on the user's `from` account (counter account suspense/provider-outbound, like every
 * outbound movement). When the provider has executed the swap:
 *
 * - the hold is posted for A (user −A, suspense +A);
 * - ONE ledger transaction books both currencies:
 *     X: suspense −A, provider_clearing(P, X) +A;
 *     Y: provider_clearing(P, Y) −P, user +U, swap_pool(Y) +(P − U) when P ≠ U.
 *
 * So every currency balances, the clearing accounts mirror the provider (from −amountIn, to +amountOut), and
 * the rounding remainder is booked, not lost. U ≤ P ≤ U + 1 is asserted first: anything else is refused loudly
 * (nothing is booked; the movement stays unsettled for an operator).
 */
@Injectable()
export class SwapLedger {
  private readonly logger = new Logger('Swaps');

  constructor(
    private readonly ledger: LedgerService,
    private readonly uow: UnitOfWork,
  ) {}

  async book(
    tx: EntityManager,
    movement: Movement,
    terms: SwapTerms,
    transaction: ProviderTransaction,
  ): Promise<Booking> {
    const delivered = transaction.swapOut;
    if (!delivered || delivered.currency !== terms.to) {
      throw new Error(
        `Swap ${movement.id}: ${transaction.provider} reports no delivery in ${terms.to}; refusing to book it`,
      );
    }
    const remainder = roundingRemainder(terms.amountOut, delivered.amount, movement.id);
    const provider = transaction.provider;
    const { from, to, amountIn } = terms;
    const [source, target] = await this.ledger.openUserAccounts(tx, movement.userId, [from, to]);
    const suspense = await this.ledger.systemAccount(tx, 'suspense', from, OUTBOUND_SUSPENSE);
    const clearingFrom = await this.ledger.systemAccount(tx, 'provider_clearing', from, provider);
    const clearingTo = await this.ledger.systemAccount(tx, 'provider_clearing', to, provider);
    const pool = remainder > 0n ? await this.ledger.systemAccount(tx, 'swap_pool', to) : null;

    const metadata: Record<string, unknown> = {};
    const post = () =>
      this.ledger.post(tx, {
        kind: 'swap',
        reference: movement.id,
        metadata: {
          provider,
          quoteId: terms.quoteId,
          rate: terms.rate,
          fee: terms.fee.toString(),
          delivered: delivered.amount.toString(),
          credited: terms.amountOut.toString(),
          remainder: remainder.toString(),
          holdId: movement.holdId,
        },
        entries: [
          { accountId: suspense.id, currency: from, amount: -amountIn },
          { accountId: clearingFrom.id, currency: from, amount: amountIn },
          { accountId: clearingTo.id, currency: to, amount: -delivered.amount },
          { accountId: target.id, currency: to, amount: terms.amountOut },
          ...(pool ? [{ accountId: pool.id, currency: to, amount: remainder }] : []),
        ],
      });
    const debit = async () => {
      const uncovered = await this.debitSource(tx, movement, amountIn);
      if (uncovered > 0n) metadata.uncoveredShortfall = uncovered.toString();
    };

    // The user's two accounts are written in id order (the ledger's lock order), so two opposite swaps of
    // one user cannot deadlock: suspense, clearing and pool are system accounts, never row-locked.
    let transactionId: string;
    if (target.id < source.id) {
      ({ transactionId } = await post());
      await debit();
    } else {
      await debit();
      ({ transactionId } = await post());
    }
    return { ledgerTransactionId: transactionId, metadata };
  }

  /**
   * Moves A from the user's `from` account to suspense: by posting the hold, or — should the hold no longer be
   * pending (it expired: the provider settled long after) — by debiting the wallet directly. What the wallet
   * cannot cover stays a receivable in suspense (logged loudly; the books still balance). Returns that amount.
   */
  private async debitSource(tx: EntityManager, movement: Movement, amount: bigint): Promise<bigint> {
    if (movement.holdId) {
      const holdId = movement.holdId;
      try {
        await this.uow.savepoint(tx, (inner) => this.ledger.postHold(inner, holdId, amount));
        return 0n;
      } catch (error) {
        if (!(error instanceof HoldNotPendingError)) throw error;
        this.logger.error(
          { movementId: movement.id, holdId, err: error },
          'A provider executed a swap whose hold was no longer pending; debiting the wallet directly',
        );
      }
    }
    const [account] = await this.ledger.openUserAccounts(tx, movement.userId, [movement.currency]);
    const suspense = await this.ledger.systemAccount(tx, 'suspense', movement.currency, OUTBOUND_SUSPENSE);
    try {
      await this.uow.savepoint(tx, (inner) =>
        this.ledger.post(inner, {
          kind: 'swap',
          reference: movement.id,
          metadata: { shortfall: amount.toString() },
          entries: [
            { accountId: account.id, currency: movement.currency, amount: -amount },
            { accountId: suspense.id, currency: movement.currency, amount },
          ],
        }),
      );
      return 0n;
    } catch (error) {
      if (!(error instanceof InsufficientFundsError)) throw error;
      this.logger.error(
        { movementId: movement.id, userId: movement.userId, shortfall: amount.toString() },
        'Swap executed but the wallet cannot cover it: suspense keeps a receivable',
      );
      return amount;
    }
  }
}
