import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money } from '#monay/kernel';
import { InsufficientFundsError, LedgerService } from '#monay/ledger';
import { newId, Clock, OutboxWriter, UnitOfWork } from '#monay/shared';
import { LimitExceededError, VelocityExceededError, WalletAccess } from '#monay/wallet';
import { cardDecline, fundingMinor, usageWindows, type Card, type DeclineCode } from '../domain/card';
import type { CardMerchant } from '../domain/events';
import { CardsRepository, type CardAuthorizationRow } from '../infrastructure/cards.repository';
import { funding } from './card-money';

/** One real-time question from the issuer (amount in USD cents). */
export interface AuthorizationRequest {
  issuer: string;
  requestId: string;
  authorizationId: string;
  issuerCardId: string;
  amount: bigint;
  currency: string;
  merchant: CardMerchant;
  incremental: boolean;
}

export interface AuthorizationAnswer {
  approved: boolean;
  declineCode: string | null;
}

class Declined extends Error {
  constructor(readonly code: DeclineCode) {
    super(code);
  }
}

class AlreadyAnswered extends Error {}

/** The settlement account of an issuer: where cleared card spend goes (the issuer pays the merchant). */
export function settlementQualifier(issuer: string): string {
  return `card:${issuer}`;
}

/**
 * The real-time authorization (architecture.md, Cards): decided in ONE transaction — the card row locked (so one
 * card's authorizations are serialised and its limits cannot be slipped under), its state, currency, blocked
 * categories and limits against its usage, the tier's limits consumed (wallet), and a ledger hold placed on the
 * funding currency (the guarded update refuses what is not available). Any refusal rolls all of it back and the
 * decline is recorded in a transaction of its own. Idempotent by the issuer's request id: the same question gets
 * the same answer, and a concurrent duplicate waits on the card's lock and then finds the first answer.
 */
@Injectable()
export class CardAuthorizations {
  constructor(
    private readonly repository: CardsRepository,
    private readonly ledger: LedgerService,
    private readonly wallets: WalletAccess,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async decide(request: AuthorizationRequest): Promise<AuthorizationAnswer> {
    const known = await this.repository.findRequest(
      this.repository.manager,
      request.issuer,
      request.requestId,
    );
    if (known) return { approved: known.approved, declineCode: known.declineCode };
    try {
      return await this.uow.run((tx) => this.approve(tx, request));
    } catch (error) {
      if (error instanceof AlreadyAnswered) return this.answered(request);
      if (!(error instanceof Declined)) throw error;
      return this.decline(request, error.code);
    }
  }

  private async answered(request: AuthorizationRequest): Promise<AuthorizationAnswer> {
    const known = await this.repository.findRequest(
      this.repository.manager,
      request.issuer,
      request.requestId,
    );
    if (!known) throw new Error(`Card authorization request ${request.requestId} has no recorded answer`);
    return { approved: known.approved, declineCode: known.declineCode };
  }

  private async approve(tx: EntityManager, request: AuthorizationRequest): Promise<AuthorizationAnswer> {
    const now = this.clock.now();
    const card = await this.repository.lockByIssuerId(tx, request.issuer, request.issuerCardId);
    if (!card) throw new Declined('CARD_NOT_FOUND');
    // A duplicate that waited on the card's lock finds the first answer.
    if (await this.repository.findRequest(tx, request.issuer, request.requestId)) throw new AlreadyAnswered();
    const existing = await this.repository.lockAuthorization(tx, request.issuer, request.authorizationId);
    if (request.incremental ? existing?.status !== 'pending' : existing !== null) {
      throw new Declined('AUTHORIZATION_NOT_PENDING');
    }
    const windows = usageWindows(now);
    const usage = await this.repository.usage(tx, card.id, windows.day, windows.month);
    const refused = cardDecline(
      card,
      {
        amount: request.amount,
        currency: request.currency,
        mcc: request.merchant.mcc,
        incremental: request.incremental,
      },
      usage,
    );
    if (refused) throw new Declined(refused);
    await this.consumeTierLimits(tx, card, request.amount, now);
    // The wallet account is known (and cached) once opened: no insert on the hot path.
    const known = await this.ledger.userAccountIds(tx, [card.userId], [card.fundingCurrency]);
    const accountId =
      known.get(`${card.userId}:${card.fundingCurrency}`) ??
      (await this.ledger.openUserAccounts(tx, card.userId, [card.fundingCurrency]))[0].id;
    const settlement = await this.ledger.systemAccount(
      tx,
      'provider_clearing',
      card.fundingCurrency,
      settlementQualifier(card.issuer),
    );
    const added = fundingMinor(request.amount);
    const held = (existing?.held ?? 0n) + added;
    try {
      // An increment replaces the hold by one for the new total, in this transaction.
      if (existing?.holdId) await this.ledger.voidHold(tx, existing.holdId);
      const { holdId } = await this.ledger.placeHold(tx, {
        accountId,
        counterAccountId: settlement.id,
        currency: card.fundingCurrency,
        amount: held,
        kind: 'card_authorization',
        reference: request.authorizationId,
        metadata: { cardId: card.id },
      });
      const row: CardAuthorizationRow = existing
        ? {
            ...existing,
            amount: existing.amount + request.amount,
            held,
            holdId,
            limitsUsd: existing.limitsUsd + request.amount,
          }
        : {
            id: newId(),
            cardId: card.id,
            userId: card.userId,
            issuer: request.issuer,
            issuerAuthorizationId: request.authorizationId,
            status: 'pending',
            declineCode: null,
            amount: request.amount,
            held,
            cleared: 0n,
            refunded: 0n,
            receivable: 0n,
            fundingCurrency: card.fundingCurrency,
            holdId,
            limitsUsd: request.amount,
            merchant: request.merchant,
            createdAt: now,
          };
      if (existing) await this.repository.updateAuthorization(tx, row, now);
      else if (!(await this.repository.insertAuthorization(tx, row))) throw new AlreadyAnswered();
      if (
        !(await this.repository.insertRequest(tx, request.issuer, request.requestId, row.id, true, null, now))
      ) {
        throw new AlreadyAnswered();
      }
      await this.repository.insertTransaction(tx, {
        id: newId(),
        cardId: card.id,
        userId: card.userId,
        authorizationId: row.id,
        issuerEventId: request.requestId,
        type: request.incremental ? 'increment' : 'authorization',
        amount: request.amount,
        currency: 'USD',
        declineCode: null,
        createdAt: now,
      });
      await this.outbox.append(tx, [
        {
          type: 'CardAuthorizationApproved',
          aggregateId: row.id,
          userIds: [card.userId],
          payload: {
            authorizationId: row.id,
            cardId: card.id,
            userId: card.userId,
            last4: card.last4,
            currency: card.fundingCurrency,
            merchant: row.merchant,
            amount: funding(added, card.fundingCurrency),
            held: funding(held, card.fundingCurrency),
            incremental: request.incremental,
          },
        },
      ]);
      return { approved: true, declineCode: null };
    } catch (error) {
      if (error instanceof InsufficientFundsError) throw new Declined('INSUFFICIENT_FUNDS');
      throw error;
    }
  }

  private async consumeTierLimits(tx: EntityManager, card: Card, cents: bigint, now: Date): Promise<void> {
    const wallet = await this.wallets.findByUserId(card.userId, tx);
    if (!wallet) throw new Declined('TIER_LIMIT');
    try {
      await this.wallets.consumeLimits(tx, wallet, Money.of(cents, 'USD'), now);
    } catch (error) {
      if (error instanceof LimitExceededError) throw new Declined('TIER_LIMIT');
      if (error instanceof VelocityExceededError) throw new Declined('VELOCITY_LIMIT');
      throw error;
    }
  }

  /** Records a decline (its own transaction, after the approval's rolled back): history, events, the answer. */
  private async decline(request: AuthorizationRequest, code: DeclineCode): Promise<AuthorizationAnswer> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const card = await this.repository.lockByIssuerId(tx, request.issuer, request.issuerCardId);
      // An unknown card: nothing of ours to record it against.
      if (!card) return { approved: false, declineCode: code };
      const first = await this.repository.findRequest(tx, request.issuer, request.requestId);
      if (first) return { approved: first.approved, declineCode: first.declineCode };
      const row: CardAuthorizationRow = {
        id: newId(),
        cardId: card.id,
        userId: card.userId,
        issuer: request.issuer,
        issuerAuthorizationId: request.authorizationId,
        status: 'declined',
        declineCode: code,
        amount: 0n,
        held: 0n,
        cleared: 0n,
        refunded: 0n,
        receivable: 0n,
        fundingCurrency: card.fundingCurrency,
        holdId: null,
        limitsUsd: 0n,
        merchant: request.merchant,
        createdAt: now,
      };
      let authorizationId = row.id;
      if (!(await this.repository.insertAuthorization(tx, row))) {
        const existing = await this.repository.lockAuthorization(tx, request.issuer, request.authorizationId);
        authorizationId = existing?.id ?? row.id;
      }
      await this.repository.insertRequest(
        tx,
        request.issuer,
        request.requestId,
        authorizationId,
        false,
        code,
        now,
      );
      await this.repository.insertTransaction(tx, {
        id: newId(),
        cardId: card.id,
        userId: card.userId,
        authorizationId,
        issuerEventId: request.requestId,
        type: 'decline',
        amount: request.amount,
        currency: 'USD',
        declineCode: code,
        createdAt: now,
      });
      await this.outbox.append(tx, [
        {
          type: 'CardAuthorizationDeclined',
          aggregateId: authorizationId,
          userIds: [card.userId],
          payload: {
            // A declined increment's line is its own: the authorization it would have raised stays as it was.
            authorizationId: request.incremental ? request.requestId : authorizationId,
            cardId: card.id,
            userId: card.userId,
            last4: card.last4,
            currency: card.fundingCurrency,
            merchant: request.merchant,
            amount: funding(fundingMinor(request.amount), card.fundingCurrency),
            code,
            incremental: request.incremental,
          },
        },
      ]);
      return { approved: false, declineCode: code };
    });
  }
}
