import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Money } from '#monay/kernel';
import { LedgerService, type EntryInput } from '#monay/ledger';
import { AppConfig, Clock, OutboxWriter, UnitOfWork } from '#monay/shared';
import { WalletAccess } from '#monay/wallet';
import { fundingMinor, type Card } from '../domain/card';
import {
  CardUnknownIssuerError,
  CardWebhookPayloadInvalidError,
  CardWebhookSignatureInvalidError,
} from '../domain/card.errors';
import { verifyStandardWebhook } from '../domain/standard-webhooks';
import { CardsRepository, type CardAuthorizationRow } from '../infrastructure/cards.repository';
import {
  CARD_ISSUER,
  type CardIssuer,
  type IssuerAuthorization,
  type IssuerAuthorizationEvent,
} from './card-issuer.port';
import { settlementQualifier } from './card-authorizations';
import { funding, min } from './card-money';

export interface SignedMessage {
  id?: string;
  timestamp?: string;
  signature?: string;
  rawBody?: Buffer;
}

export interface CardWebhookReceipt {
  received: true;
  duplicate?: true;
  ignored?: true;
}

const AUTHORIZATION_ID = /^auth_[A-Za-z0-9]{1,64}$/;

/**
 * The issuer's webhooks: authenticity first (Standard Webhooks, constant time, 5 minutes), then deduplicated by
 * `webhook-id`, then applied by what the issuer answers for the authorization now — never the payload's word: each
 * of the issuer's events (clearing, reversal, expiry, refund, a late network decline) is applied once (its id is
 * the unique key of the activity line it writes), in the issuer's order, each in the transaction of its ledger
 * booking and its outbox event.
 */
@Injectable()
export class CardNetworkEvents {
  private readonly logger = new Logger('CardWebhooks');

  constructor(
    @Inject(CARD_ISSUER) private readonly issuer: CardIssuer,
    private readonly repository: CardsRepository,
    private readonly ledger: LedgerService,
    private readonly wallets: WalletAccess,
    private readonly outbox: OutboxWriter,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Checks an issuer's signed message (a webhook or a real-time request); throws 404 / 401. */
  authenticate(issuerName: string, message: SignedMessage): void {
    if (issuerName !== this.issuer.issuer) throw new CardUnknownIssuerError();
    const ok = verifyStandardWebhook(
      this.config.cards.webhookSecrets,
      message.rawBody,
      { id: message.id, timestamp: message.timestamp, signature: message.signature },
      Math.floor(Date.now() / 1000),
    );
    if (!ok) throw new CardWebhookSignatureInvalidError();
  }

  async receive(issuerName: string, message: SignedMessage, body: unknown): Promise<CardWebhookReceipt> {
    this.authenticate(issuerName, message);
    const data = (body as { type?: unknown; data?: { authorization_id?: unknown } } | null) ?? {};
    const authorizationId = data.data?.authorization_id;
    if (
      typeof data.type !== 'string' ||
      typeof authorizationId !== 'string' ||
      !AUTHORIZATION_ID.test(authorizationId)
    ) {
      throw new CardWebhookPayloadInvalidError('data.authorization_id must be an authorization id');
    }
    const webhookId = message.id as string;
    if (!(await this.repository.recordWebhook(issuerName, webhookId, data.type, this.clock.now()))) {
      return { received: true, duplicate: true };
    }
    try {
      const state = await this.issuer.getAuthorization(authorizationId);
      if (!state) {
        this.logger.warn({ authorizationId }, 'Card webhook about an authorization the issuer does not know');
        return { received: true, ignored: true };
      }
      const applied = await this.apply(issuerName, state);
      return applied ? { received: true } : { received: true, ignored: true };
    } catch (error) {
      // Not applied: forget the delivery, so that the issuer's redelivery applies it.
      await this.repository.forgetWebhook(issuerName, webhookId);
      throw error;
    }
  }

  /** Brings our authorization to the issuer's: each of its events not yet applied, in order. */
  async apply(issuerName: string, state: IssuerAuthorization): Promise<boolean> {
    return this.uow.run(async (tx) => {
      const auth = await this.repository.lockAuthorization(tx, issuerName, state.id);
      // Never approved by us (we declined it, or never answered): there is nothing to settle.
      if (!auth || auth.status === 'declined') return false;
      const card = await this.repository.findById(tx, auth.cardId);
      if (!card) return false;
      for (const event of state.events) {
        if (event.type === 'authorization' || event.type === 'increment') continue;
        const lineId = event.type === 'decline' ? `${event.id}:release` : event.id;
        if (await this.repository.isEventApplied(tx, lineId)) continue;
        if (event.type === 'decline' && auth.status !== 'pending') continue;
        await this.applyEvent(tx, card, auth, event, lineId);
      }
      return true;
    });
  }

  private async applyEvent(
    tx: EntityManager,
    card: Card,
    auth: CardAuthorizationRow,
    event: IssuerAuthorizationEvent,
    lineId: string,
  ): Promise<void> {
    const now = this.clock.now();
    const currency = auth.fundingCurrency;
    const [account] = await this.ledger.openUserAccounts(tx, auth.userId, [currency]);
    const settlement = await this.ledger.systemAccount(
      tx,
      'provider_clearing',
      currency,
      settlementQualifier(auth.issuer),
    );
    const base = {
      authorizationId: auth.id,
      cardId: auth.cardId,
      userId: auth.userId,
      last4: card.last4,
      currency,
      merchant: auth.merchant,
    };
    const amount = fundingMinor(event.amount);
    const replaceHold = async (rest: bigint) => {
      auth.holdId = null;
      auth.held = 0n;
      if (rest <= 0n) return;
      const { holdId } = await this.ledger.placeHold(tx, {
        accountId: account.id,
        counterAccountId: settlement.id,
        currency,
        amount: rest,
        kind: 'card_authorization',
        reference: auth.issuerAuthorizationId,
        metadata: { cardId: auth.cardId },
      });
      auth.holdId = holdId;
      auth.held = rest;
    };

    switch (event.type) {
      case 'clearing': {
        // The hold posts for what it covers; a non-final clearing keeps the rest held for the next one.
        let fromHold = 0n;
        let released = 0n;
        if (auth.holdId && auth.held > 0n) {
          const held = auth.held;
          fromHold = min(amount, held);
          await this.ledger.postHold(tx, auth.holdId, fromHold);
          if (event.final) {
            released = held - fromHold;
            await replaceHold(0n);
          } else await replaceHold(held - fromHold);
        }
        // Over the hold (a tip within the network's allowance, a force capture): debited from what is available
        // (never below zero), and what the wallet cannot cover is booked as a receivable.
        const excess = amount - fromHold;
        let fromWallet = 0n;
        let receivable = 0n;
        if (excess > 0n) {
          const balance = await this.ledger.balanceOf(tx, account.id);
          fromWallet = min(balance.available > 0n ? balance.available : 0n, excess);
          receivable = excess - fromWallet;
          const entries: EntryInput[] = [{ accountId: settlement.id, currency, amount: excess }];
          if (fromWallet > 0n) entries.push({ accountId: account.id, currency, amount: -fromWallet });
          if (receivable > 0n) {
            const receivables = await this.ledger.systemAccount(tx, 'suspense', currency, 'card-receivables');
            entries.push({ accountId: receivables.id, currency, amount: -receivable });
          }
          await this.ledger.post(tx, {
            kind: 'card_clearing',
            reference: auth.issuerAuthorizationId,
            metadata: { cardId: auth.cardId, eventId: event.id },
            entries,
          });
        }
        auth.cleared += event.amount;
        auth.receivable += receivable;
        if (event.final) auth.status = 'closed';
        await this.line(tx, auth, event, lineId, now);
        await this.outbox.append(tx, [
          {
            type: 'CardAuthorizationCleared',
            aggregateId: auth.id,
            userIds: [auth.userId],
            payload: {
              ...base,
              amount: funding(amount, currency),
              debited: funding(fromHold + fromWallet, currency),
              receivable: funding(receivable, currency),
              released: funding(released, currency),
              clearedTotal: funding(fundingMinor(auth.cleared), currency),
              held: funding(auth.held, currency),
              final: event.final,
            },
          },
        ]);
        break;
      }
      case 'reversal':
      case 'expiry':
      case 'decline': {
        const held = auth.held;
        const released = event.type === 'reversal' ? min(amount, held) : held;
        if (auth.holdId && released > 0n) {
          await this.ledger.voidHold(tx, auth.holdId);
          await replaceHold(held - released);
        }
        auth.amount = auth.amount > event.amount ? auth.amount - event.amount : 0n;
        if (event.type === 'decline') auth.amount = 0n;
        if (auth.held === 0n) {
          auth.status =
            auth.cleared > 0n
              ? 'closed'
              : event.type === 'expiry'
                ? 'expired'
                : event.type === 'decline'
                  ? 'declined'
                  : 'reversed';
          if (event.type === 'decline') auth.declineCode = 'ISSUER_TIMEOUT';
          if (auth.cleared === 0n && auth.limitsUsd > 0n) {
            // Nothing was spent: the tier's limits get back what the authorization counted.
            await this.wallets.releaseLimits(
              tx,
              auth.userId,
              Money.of(auth.limitsUsd, 'USD'),
              auth.createdAt,
            );
            auth.limitsUsd = 0n;
          }
        }
        await this.line(tx, auth, event, lineId, now, released);
        await this.outbox.append(tx, [
          {
            type: 'CardAuthorizationReleased',
            aggregateId: auth.id,
            userIds: [auth.userId],
            payload: {
              ...base,
              reason:
                event.type === 'reversal'
                  ? 'reversal'
                  : event.type === 'expiry'
                    ? 'expiry'
                    : 'network_decline',
              released: funding(released, currency),
              held: funding(auth.held, currency),
              clearedTotal: funding(fundingMinor(auth.cleared), currency),
            },
          },
        ]);
        break;
      }
      case 'refund': {
        await this.ledger.post(tx, {
          kind: 'card_refund',
          reference: auth.issuerAuthorizationId,
          metadata: { cardId: auth.cardId, eventId: event.id },
          entries: [
            { accountId: settlement.id, currency, amount: -amount },
            { accountId: account.id, currency, amount },
          ],
        });
        auth.refunded += event.amount;
        await this.line(tx, auth, event, lineId, now);
        await this.outbox.append(tx, [
          {
            type: 'CardRefunded',
            aggregateId: auth.id,
            userIds: [auth.userId],
            payload: {
              ...base,
              refundId: event.id,
              amount: funding(amount, currency),
              clearedTotal: funding(fundingMinor(auth.cleared), currency),
            },
          },
        ]);
        break;
      }
      default:
        return;
    }
    await this.repository.updateAuthorization(tx, auth, now);
  }

  private async line(
    tx: EntityManager,
    auth: CardAuthorizationRow,
    event: IssuerAuthorizationEvent,
    lineId: string,
    now: Date,
    releasedFunding?: bigint,
  ): Promise<void> {
    const type = event.type === 'decline' ? 'reversal' : event.type;
    await this.repository.insertTransaction(tx, {
      id: randomUUID(),
      cardId: auth.cardId,
      userId: auth.userId,
      authorizationId: auth.id,
      issuerEventId: lineId,
      type,
      // Releases show what went back (funding units → USD cents); the others what the network said.
      amount: releasedFunding === undefined ? event.amount : releasedFunding / 10_000n,
      currency: 'USD',
      declineCode: event.type === 'decline' ? 'ISSUER_TIMEOUT' : null,
      createdAt: now,
    });
  }
}
