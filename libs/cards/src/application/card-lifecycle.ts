import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { StepUp, type StepUpContext } from '#monay/identity';
import {
  AppConfig,
  Clock,
  OutboxWriter,
  UnitOfWork,
  decodePageCursor,
  encodePageCursor,
} from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import {
  usageWindows,
  type Card,
  type CardState,
  type CardLimits,
  type CardStateReason,
  type FundingCurrency,
} from '../domain/card';
import {
  CardClosedError,
  CardCountLimitError,
  CardIssuerUnavailableError,
  CardNotFoundError,
  CardRevealRateLimitedError,
} from '../domain/card.errors';
import { CardCipher } from '../infrastructure/card-cipher';
import { CardsRepository } from '../infrastructure/cards.repository';
import { CARD_ISSUER, type CardIssuer, type IssuedCard } from './card-issuer.port';
import { usd } from './card-money';
import { cardView, type CardView } from './card-view';

export interface RevealedCard {
  id: string;
  pan: string;
  cvv: string;
  expMonth: number;
  expYear: number;
  last4: string;
}

export interface CardTransactionsPage {
  transactions: Array<{
    id: string;
    authorizationId: string;
    type: string;
    amount: string;
    currency: string;
    declineCode: string | null;
    merchant: { name: string; mcc: string; city: string | null; country: string | null };
    createdAt: string;
  }>;
  nextCursor: string | null;
}

export interface LimitsPatch {
  perAuthorization?: bigint | null;
  daily?: bigint | null;
  monthly?: bigint | null;
  allTime?: bigint | null;
  blockedCategories?: string[];
}

/**
 * A card's life: issued (tier gate `virtual_cards`), paused and opened again, limited, closed (pending
 * authorizations still clear), reported lost or stolen (closed and replaced in one step), revealed (a fresh step-up,
 * an audit entry, a rate limit; the PAN and CVV never logged). The issuer is called outside our transaction (a
 * vendor call never holds a database transaction open), then our rows and events change in one transaction.
 */
@Injectable()
export class CardLifecycle {
  constructor(
    @Inject(CARD_ISSUER) private readonly issuer: CardIssuer,
    private readonly repository: CardsRepository,
    private readonly cipher: CardCipher,
    private readonly wallets: WalletAccess,
    private readonly stepUp: StepUp,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(
    userId: string,
    input: { nickname: string; fundingCurrency: FundingCurrency; limits: LimitsPatch },
  ): Promise<CardView> {
    const wallet = await this.wallets.ensureWallet(userId);
    this.wallets.requireFeature(wallet, 'virtual_cards');
    const open = await this.repository.countNotClosed(this.repository.manager, userId);
    if (open >= this.config.cards.maxOpenCards) throw new CardCountLimitError(this.config.cards.maxOpenCards);
    const id = randomUUID();
    const issued = await this.issue(id, null);
    const limits: CardLimits = {
      perAuthorization: input.limits.perAuthorization ?? null,
      daily: input.limits.daily ?? null,
      monthly: input.limits.monthly ?? null,
      allTime: input.limits.allTime ?? null,
      blockedCategories: input.limits.blockedCategories ?? [],
    };
    const card = await this.uow.run(async (tx) => {
      if ((await this.repository.countNotClosed(tx, userId)) >= this.config.cards.maxOpenCards) {
        throw new CardCountLimitError(this.config.cards.maxOpenCards);
      }
      return this.insert(tx, id, userId, issued, input.nickname, input.fundingCurrency, limits, null);
    });
    return cardView(card);
  }

  async get(userId: string, cardId: string): Promise<CardView> {
    const card = await this.find(userId, cardId);
    return cardView(card, await this.usageOf(this.repository.manager, card));
  }

  async list(userId: string): Promise<CardView[]> {
    return (await this.repository.list(userId)).map((card) => cardView(card));
  }

  async freeze(userId: string, cardId: string, frozen: boolean): Promise<CardView> {
    const card = await this.find(userId, cardId);
    if (card.state === 'CLOSED') throw new CardClosedError();
    const target: CardState = frozen ? 'PAUSED' : 'OPEN';
    if (card.state === target) return cardView(card);
    await this.vendor(() => this.issuer.setState(card.issuerCardId, target, frozen ? 'user_request' : null));
    const updated = await this.uow.run(async (tx) => {
      const locked = await this.lock(tx, userId, cardId);
      if (locked.state === 'CLOSED') throw new CardClosedError();
      if (locked.state === target) return locked;
      const now = this.clock.now();
      await this.repository.setState(tx, cardId, target, frozen ? 'user_request' : null, now);
      await this.stateChanged(tx, locked, target, frozen ? 'user_request' : null);
      return {
        ...locked,
        state: target,
        stateReason: frozen ? ('user_request' as const) : null,
        updatedAt: now,
      };
    });
    return cardView(updated);
  }

  async setLimits(userId: string, cardId: string, patch: LimitsPatch): Promise<CardView> {
    return this.uow.run(async (tx) => {
      const card = await this.lock(tx, userId, cardId);
      if (card.state === 'CLOSED') throw new CardClosedError();
      const limits: CardLimits = {
        perAuthorization:
          patch.perAuthorization === undefined ? card.limits.perAuthorization : patch.perAuthorization,
        daily: patch.daily === undefined ? card.limits.daily : patch.daily,
        monthly: patch.monthly === undefined ? card.limits.monthly : patch.monthly,
        allTime: patch.allTime === undefined ? card.limits.allTime : patch.allTime,
        blockedCategories: patch.blockedCategories ?? card.limits.blockedCategories,
      };
      await this.repository.setLimits(tx, cardId, limits, this.clock.now());
      const updated = { ...card, limits };
      return cardView(updated, await this.usageOf(tx, updated));
    });
  }

  async close(userId: string, cardId: string): Promise<CardView> {
    const card = await this.find(userId, cardId);
    if (card.state === 'CLOSED') return cardView(card);
    await this.vendor(() => this.issuer.setState(card.issuerCardId, 'CLOSED', 'user_request'));
    return cardView(await this.uow.run((tx) => this.closeIn(tx, userId, cardId, 'user_request')));
  }

  /** Lost or stolen: the card is closed and a replacement with the same limits and controls issued, in one step. */
  async report(
    userId: string,
    cardId: string,
    reason: Extract<CardStateReason, 'lost' | 'stolen'>,
  ): Promise<{ card: CardView; replaced: CardView }> {
    const card = await this.find(userId, cardId);
    if (card.state === 'CLOSED') {
      // Reported already: the same answer again (a client's retry), else a closed card cannot be reported.
      const replacement = await this.repository.replacementOf(this.repository.manager, card.id);
      if (replacement && (card.stateReason === 'lost' || card.stateReason === 'stolen')) {
        return { card: cardView(replacement), replaced: cardView(card) };
      }
      throw new CardClosedError();
    }
    await this.vendor(() => this.issuer.setState(card.issuerCardId, 'CLOSED', reason));
    const id = randomUUID();
    const issued = await this.issue(id, card.issuerCardId);
    return this.uow.run(async (tx) => {
      const replaced = await this.closeIn(tx, userId, cardId, reason);
      const replacement = await this.insert(
        tx,
        id,
        userId,
        issued,
        replaced.nickname,
        replaced.fundingCurrency,
        replaced.limits,
        replaced.id,
      );
      return { card: cardView(replacement), replaced: cardView(replaced) };
    });
  }

  /**
   * The PAN and CVV, after a fresh step-up (identity's StepUp: 403 STEP_UP_REQUIRED without one), at most
   * CARD_REVEAL_LIMIT_PER_HOUR times an hour per user, with an audit entry. The answer is the only place they
   * appear: never in events, the outbox, logs or the audit entry.
   */
  async reveal(userId: string, cardId: string, context: StepUpContext): Promise<RevealedCard> {
    await this.find(userId, cardId);
    await this.stepUp.assert({ userId, context, operation: 'reveal_card_details', amountUsd: null });
    const revealed = await this.uow.run(async (tx) => {
      await this.repository.lockUserReveals(tx, userId);
      const now = this.clock.now();
      const since = new Date(now.getTime() - 3_600_000);
      if ((await this.repository.revealsSince(tx, userId, since)) >= this.config.cards.revealLimitPerHour) {
        throw new CardRevealRateLimitedError();
      }
      const card = await this.lock(tx, userId, cardId);
      if (card.state === 'CLOSED') throw new CardClosedError();
      await this.repository.recordReveal(tx, cardId, userId, now);
      const sealed = await this.repository.sealed(tx, cardId);
      return {
        id: card.id,
        pan: this.cipher.open(card.id, sealed.pan),
        cvv: this.cipher.open(card.id, sealed.cvv),
        expMonth: card.expMonth,
        expYear: card.expYear,
        last4: card.last4,
      };
    });
    await this.stepUp.recordAccess(userId, 'card_details_revealed', `card:${cardId}`, context);
    return revealed;
  }

  async transactions(
    userId: string,
    cardId: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<CardTransactionsPage> {
    await this.find(userId, cardId);
    const rows = await this.repository.transactions(
      cardId,
      limit + 1,
      cursor ? decodePageCursor(cursor) : null,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      transactions: page.map((row) => ({
        id: row.id,
        authorizationId: row.authorizationId,
        type: row.type,
        amount: usd(row.amount),
        currency: 'USD',
        declineCode: row.declineCode,
        merchant: row.merchant,
        createdAt: row.createdAt.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodePageCursor(last.createdAt, last.id) : null,
    };
  }

  private async closeIn(
    tx: EntityManager,
    userId: string,
    cardId: string,
    reason: CardStateReason,
  ): Promise<Card> {
    const card = await this.lock(tx, userId, cardId);
    if (card.state === 'CLOSED') return card;
    const now = this.clock.now();
    await this.repository.setState(tx, cardId, 'CLOSED', reason, now);
    await this.stateChanged(tx, card, 'CLOSED', reason);
    return { ...card, state: 'CLOSED', stateReason: reason, closedAt: now, updatedAt: now };
  }

  private async insert(
    tx: EntityManager,
    id: string,
    userId: string,
    issued: IssuedCard,
    nickname: string,
    fundingCurrency: FundingCurrency,
    limits: CardLimits,
    replacementFor: string | null,
  ): Promise<Card> {
    const now = this.clock.now();
    const card: Card = {
      id,
      userId,
      issuer: this.issuer.issuer,
      issuerCardId: issued.id,
      nickname,
      state: 'OPEN',
      stateReason: null,
      last4: issued.last4,
      expMonth: issued.expMonth,
      expYear: issued.expYear,
      fundingCurrency,
      limits,
      replacementFor,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    await this.repository.insertCard(tx, card, {
      pan: this.cipher.seal(id, issued.pan),
      cvv: this.cipher.seal(id, issued.cvv),
    });
    await this.outbox.append(tx, [
      {
        type: 'CardIssued',
        aggregateId: id,
        userIds: [userId],
        payload: { cardId: id, userId, last4: card.last4, replacementFor },
      },
    ]);
    return card;
  }

  private async stateChanged(
    tx: EntityManager,
    card: Card,
    to: string,
    reason: string | null,
  ): Promise<void> {
    await this.outbox.append(tx, [
      {
        type: 'CardStateChanged',
        aggregateId: card.id,
        userIds: [card.userId],
        payload: { cardId: card.id, userId: card.userId, last4: card.last4, from: card.state, to, reason },
      },
    ]);
  }

  private issue(id: string, replacementFor: string | null): Promise<IssuedCard> {
    return this.vendor(() => this.issuer.createCard({ idempotencyKey: id, replacementFor }));
  }

  private async vendor<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CardNotFoundError) throw error;
      throw new CardIssuerUnavailableError();
    }
  }

  private usageOf(manager: EntityManager, card: Card) {
    const windows = usageWindows(this.clock.now());
    return this.repository.usage(manager, card.id, windows.day, windows.month);
  }

  private async find(userId: string, cardId: string): Promise<Card> {
    const card = UUID.test(cardId)
      ? await this.repository.find(this.repository.manager, userId, cardId)
      : null;
    if (!card) throw new CardNotFoundError();
    return card;
  }

  private async lock(tx: EntityManager, userId: string, cardId: string): Promise<Card> {
    const card = UUID.test(cardId) ? await this.repository.lock(tx, userId, cardId) : null;
    if (!card) throw new CardNotFoundError();
    return card;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
