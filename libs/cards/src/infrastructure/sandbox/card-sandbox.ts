import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AppConfig, Clock, DueWork, OwnAddress, UnitOfWork, type DueWorkSweeper } from '#monay/shared';
import type {
  CardIssuer,
  IssuedCard,
  IssuerAuthorization,
  IssuerAuthorizationEvent,
} from '../../application/card-issuer.port';
import { luhnCheckDigit, type CardState, type CardStateReason } from '../../domain/card';
import {
  CardAuthorizationNotFoundError,
  CardAuthorizationStateError,
  CardNotFoundError,
  CardOverCaptureError,
  CardRefundTooLargeError,
} from '../../domain/card.errors';
import type { CardMerchant } from '../../domain/events';
import { signStandardWebhook } from '../../domain/standard-webhooks';
import {
  CardSandboxRepository,
  type SandboxAuthorizationRow,
  type SandboxEventRow,
} from './card-sandbox.repository';

/** A test BIN (Visa's 4000 00 test range): every PAN the sandbox issues starts with it. */
export const SANDBOX_BIN = '400000';
const RETRY_DELAYS_MS = [500, 2_000];
const DELIVERY_TIMEOUT_MS = 5_000;
const SWEEP_BATCH = 200;

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export interface NetworkAuthorizationView {
  id: string;
  cardId: string;
  status: string;
  amount: string;
  cleared: string;
  refunded: string;
  currency: string;
  declineCode: string | null;
}

const cents = (value: bigint) => {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
};

/**
 * A sandbox card issuer and card network, shaped like Lithic / Stripe Issuing (../shared/VENDORS.md §2): cards
 * OPEN / PAUSED / CLOSED (final) with a reason, a Luhn-valid PAN from a test BIN, expiry and CVV returned once at
 * creation (the sandbox keeps only a hash of the PAN); a simulated network that authorizes (asking us in real time,
 * declining when we do not answer within `CARD_AUTHORIZATION_TIMEOUT_MS`, as Marqeta does), increments, clears
 * (partial, several times, over-capture for tips up to `CARD_OVER_CAPTURE_PERCENT`), reverses, refunds, and expires
 * uncaptured authorizations after `CARD_AUTHORIZATION_EXPIRY_DAYS` on the sandbox clock (a due-work sweeper). Each
 * step is a Standard-Webhooks-signed webhook, delivered at least once and sometimes twice
 * (`CARD_SANDBOX_DUPLICATE_RATE`). Its state is in `sandbox_card_*` tables.
 */
@Injectable()
export class CardSandbox implements CardIssuer, DueWorkSweeper, OnApplicationShutdown {
  readonly issuer = 'sandbox';
  readonly name = 'cards.sandbox-network';
  private readonly logger = new Logger('CardSandbox');
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly repository: CardSandboxRepository,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly own: OwnAddress,
    dueWork: DueWork,
  ) {
    dueWork.register(this);
  }

  onApplicationShutdown(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  // ---- the issuer ----

  async createCard(input: { idempotencyKey: string; replacementFor?: string | null }): Promise<IssuedCard> {
    const now = this.clock.now();
    const body = `${SANDBOX_BIN}${String(randomInt(0, 1_000_000_000)).padStart(9, '0')}`;
    const pan = `${body}${luhnCheckDigit(body)}`;
    const cvv = String(randomInt(0, 1000)).padStart(3, '0');
    const card: IssuedCard = {
      id: `card_${createHash('sha256').update(input.idempotencyKey).digest('hex').slice(0, 24)}`,
      pan,
      cvv,
      last4: pan.slice(-4),
      expMonth: now.getUTCMonth() + 1,
      expYear: now.getUTCFullYear() + 3,
    };
    await this.uow.run((tx) =>
      this.repository.insertCard(
        tx,
        { ...card, panSha256: createHash('sha256').update(pan).digest('hex') },
        input.replacementFor ?? null,
        now,
      ),
    );
    return card;
  }

  async setState(cardId: string, state: CardState, reason: CardStateReason | null): Promise<void> {
    await this.uow.run((tx) => this.repository.setCardState(tx, cardId, state, reason));
  }

  getAuthorization(authorizationId: string): Promise<IssuerAuthorization | null> {
    return this.repository.view(this.uow.manager, authorizationId);
  }

  // ---- the network (admin sandbox routes) ----

  /** A purchase at a merchant: the network asks us in real time, then tells us by webhook. */
  async authorize(
    cardId: string,
    input: { amount: bigint; currency: string; merchant: CardMerchant },
  ): Promise<NetworkAuthorizationView> {
    const now = this.clock.now();
    const auth: SandboxAuthorizationRow = {
      id: id('auth'),
      cardId,
      status: 'requested',
      amount: input.amount,
      cleared: 0n,
      refunded: 0n,
      currency: input.currency,
      merchant: input.merchant,
      declineCode: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.cards.authorizationExpiryMs),
    };
    await this.uow.run(async (tx) => {
      if (!(await this.repository.findCard(tx, cardId))) throw new CardNotFoundError();
      await this.repository.insertAuthorization(tx, auth);
    });
    const requestId = id('areq');
    const answer = await this.ask(requestId, auth, input.amount, false);
    const events = await this.change(async (tx, events) => {
      const row = await this.locked(tx, cardId, auth.id);
      if (answer.approved) row.status = 'pending';
      else {
        row.status = 'declined';
        row.declineCode = answer.declineCode;
      }
      await this.repository.saveAuthorization(tx, row);
      await this.event(
        tx,
        events,
        row,
        answer.approved ? 'authorization' : 'decline',
        input.amount,
        true,
        requestId,
      );
      return row;
    });
    return this.view(events);
  }

  /** An incremental authorization (a hotel's extra night): asked in real time like the first. */
  async increment(
    cardId: string,
    authorizationId: string,
    amount: bigint,
  ): Promise<NetworkAuthorizationView> {
    const current = await this.uow.run((tx) => this.locked(tx, cardId, authorizationId));
    if (current.status !== 'pending') throw new CardAuthorizationStateError(current.status, 'incremented');
    const requestId = id('areq');
    const answer = await this.ask(requestId, current, amount, true);
    const result = await this.change(async (tx, events) => {
      const row = await this.locked(tx, cardId, authorizationId);
      if (answer.approved && row.status === 'pending') {
        row.amount += amount;
        await this.repository.saveAuthorization(tx, row);
        await this.event(tx, events, row, 'increment', amount, true, requestId);
      }
      return row;
    });
    return this.view(result);
  }

  /** A clearing: partial, several (`final: false` keeps the rest authorized), or over the amount for tips. */
  async clear(
    cardId: string,
    authorizationId: string,
    amount: bigint,
    final: boolean,
  ): Promise<NetworkAuthorizationView> {
    return this.view(
      await this.change(async (tx, events) => {
        const row = await this.locked(tx, cardId, authorizationId);
        if (row.status !== 'pending') throw new CardAuthorizationStateError(row.status, 'cleared');
        const max = row.amount + (row.amount * BigInt(this.config.cards.overCapturePercent)) / 100n;
        if (row.cleared + amount > max) throw new CardOverCaptureError(cents(max - row.cleared));
        row.cleared += amount;
        if (final || row.cleared >= row.amount) row.status = 'closed';
        await this.repository.saveAuthorization(tx, row);
        await this.event(tx, events, row, 'clearing', amount, row.status === 'closed');
        return row;
      }),
    );
  }

  /** The merchant reverses all (default) or part of what is still authorized and not cleared. */
  async reverse(
    cardId: string,
    authorizationId: string,
    amount: bigint | null,
  ): Promise<NetworkAuthorizationView> {
    return this.view(
      await this.change(async (tx, events) => {
        const row = await this.locked(tx, cardId, authorizationId);
        if (row.status !== 'pending') throw new CardAuthorizationStateError(row.status, 'reversed');
        const open = row.amount > row.cleared ? row.amount - row.cleared : 0n;
        const reversed = amount === null || amount > open ? open : amount;
        row.amount -= reversed;
        if (row.amount <= row.cleared) row.status = row.cleared > 0n ? 'closed' : 'reversed';
        await this.repository.saveAuthorization(tx, row);
        await this.event(tx, events, row, 'reversal', reversed, true);
        return row;
      }),
    );
  }

  /** The merchant refunds (part of) what was cleared. */
  async refund(cardId: string, authorizationId: string, amount: bigint): Promise<NetworkAuthorizationView> {
    return this.view(
      await this.change(async (tx, events) => {
        const row = await this.locked(tx, cardId, authorizationId);
        if (row.refunded + amount > row.cleared)
          throw new CardRefundTooLargeError(cents(row.cleared - row.refunded));
        row.refunded += amount;
        await this.repository.saveAuthorization(tx, row);
        await this.event(tx, events, row, 'refund', amount, true);
        return row;
      }),
    );
  }

  /** Due work: uncaptured authorizations past their expiry expire (what was not cleared is released). */
  async sweep(now: Date): Promise<number> {
    let done = 0;
    for (;;) {
      const events: SandboxEventRow[] = [];
      const count = await this.uow.run(async (tx) => {
        const due = await this.repository.lockDue(tx, now, SWEEP_BATCH);
        for (const row of due) {
          const open = row.amount > row.cleared ? row.amount - row.cleared : 0n;
          row.status = row.cleared > 0n ? 'closed' : 'expired';
          await this.repository.saveAuthorization(tx, row);
          await this.event(tx, events, row, 'expiry', open, true);
        }
        return due.length;
      });
      await this.deliver(events);
      done += count;
      if (count < SWEEP_BATCH) return done;
    }
  }

  // ---- internals ----

  private async locked(tx: EntityManager, cardId: string, authorizationId: string) {
    const row = await this.repository.lockAuthorization(tx, authorizationId);
    if (!row || row.cardId !== cardId) throw new CardAuthorizationNotFoundError();
    return row;
  }

  /** Runs a change in one transaction, then delivers the webhooks it recorded (after the commit). */
  private async change(
    work: (tx: EntityManager, events: SandboxEventRow[]) => Promise<SandboxAuthorizationRow>,
  ): Promise<SandboxAuthorizationRow> {
    const events: SandboxEventRow[] = [];
    const row = await this.uow.run(async (tx) => {
      events.length = 0;
      return work(tx, events);
    });
    await this.deliver(events);
    return row;
  }

  private async event(
    tx: EntityManager,
    events: SandboxEventRow[],
    row: SandboxAuthorizationRow,
    type: IssuerAuthorizationEvent['type'],
    amount: bigint,
    final: boolean,
    eventId = id('evt'),
  ): Promise<void> {
    const body = JSON.stringify({
      type: 'card_transaction.updated',
      data: { authorization_id: row.id, card_id: row.cardId, event_id: eventId, event_type: type },
    });
    const event: SandboxEventRow = { id: eventId, authorizationId: row.id, type, amount, final, body };
    await this.repository.insertEvent(tx, event, this.clock.now());
    events.push(event);
  }

  private base(): string | undefined {
    return this.own.baseUrl(this.config.cards.webhookUrl);
  }

  /**
   * The real-time question (Lithic's ASA, Stripe's `issuing_authorization.request`): signed like the webhooks,
   * answered within the deadline or declined (ISSUER_TIMEOUT), whatever we would have said.
   */
  private async ask(
    requestId: string,
    auth: SandboxAuthorizationRow,
    amount: bigint,
    incremental: boolean,
  ): Promise<{ approved: boolean; declineCode: string | null }> {
    const base = this.base();
    if (!base || this.closed) return { approved: false, declineCode: 'ISSUER_TIMEOUT' };
    const body = JSON.stringify({
      type: 'authorization.request',
      id: requestId,
      authorization_id: auth.id,
      card_id: auth.cardId,
      amount: Number(amount),
      currency: auth.currency,
      merchant: auth.merchant,
      incremental,
    });
    try {
      const response = await fetch(`${base}/api/webhooks/cards/${this.issuer}/authorize`, {
        method: 'POST',
        headers: this.headers(requestId, body),
        body,
        signal: AbortSignal.timeout(this.config.cards.authorizationTimeoutMs),
      });
      const answer = (await response.json().catch(() => ({}))) as {
        approved?: unknown;
        declineCode?: unknown;
      };
      if (!response.ok || typeof answer.approved !== 'boolean') {
        return { approved: false, declineCode: 'ISSUER_TIMEOUT' };
      }
      return {
        approved: answer.approved,
        declineCode: answer.approved
          ? null
          : typeof answer.declineCode === 'string'
            ? answer.declineCode
            : 'DECLINED',
      };
    } catch {
      return { approved: false, declineCode: 'ISSUER_TIMEOUT' };
    }
  }

  private headers(messageId: string, body: string): Record<string, string> {
    return {
      'Content-Type': 'application/json',
      'User-Agent': 'monay-sandbox-card-issuer',
      ...signStandardWebhook(
        this.config.cards.webhookSecrets,
        messageId,
        Math.floor(Date.now() / 1000),
        body,
      ),
    };
  }

  /**
   * Webhooks, after the commit: the first delivery is awaited (the sandbox route answers once we were told), a
   * duplicate sometimes follows, and a failed delivery is retried on timers. Without an address (a worker, a test app
   * that never listens) nothing is sent; the events stay in `sandbox_card_events`.
   */
  private async deliver(events: SandboxEventRow[]): Promise<void> {
    for (const event of events) {
      await this.post(event, 0);
      if (Math.random() < this.config.cards.sandboxDuplicateRate)
        await this.post(event, RETRY_DELAYS_MS.length);
    }
  }

  private async post(event: SandboxEventRow, attempt: number): Promise<void> {
    const base = this.base();
    if (!base || this.closed) return;
    try {
      const response = await fetch(`${base}/api/webhooks/cards/${this.issuer}`, {
        method: 'POST',
        headers: this.headers(`msg_${event.id}`, event.body),
        body: event.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      await this.repository.markDelivered(this.uow.manager, event.id, this.clock.now());
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (delay === undefined || this.closed) {
        this.logger.warn(
          `Card webhook ${event.id} not delivered after ${attempt + 1} attempts: ${String(error)}`,
        );
        return;
      }
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.post(event, attempt + 1);
      }, delay);
      timer.unref();
      this.timers.add(timer);
    }
  }

  private view(row: SandboxAuthorizationRow): NetworkAuthorizationView {
    return {
      id: row.id,
      cardId: row.cardId,
      status: row.status,
      amount: cents(row.amount),
      cleared: cents(row.cleared),
      refunded: cents(row.refunded),
      currency: row.currency,
      declineCode: row.declineCode,
    };
  }
}
