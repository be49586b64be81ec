import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Users } from '#monay/identity';
import { Money, type CurrencyCode } from '#monay/kernel';
import { LedgerService } from '#monay/ledger';
import {
  AppConfig,
  Clock,
  DevMailbox,
  DueWork,
  IdempotentExecutor,
  JobName,
  JobQueue,
  OnJob,
  OUTBOUND_MESSAGES,
  OutboxRelay,
  OutboxWriter,
  UnitOfWork,
  type DueWorkSweeper,
  type IdempotentResult,
  type OutboundMessages,
} from '#monay/shared';
import { WalletAccess, type Wallet } from '#monay/wallet';
import { FundsTransferred, TransferFailed } from '../../domain/events/transfer.events';
import { InviteTransferPending, InviteTransferVoided } from '../../domain/events/p2p-invite.events';
import { maskRecipient } from '../../domain/recipient-ref';
import { TransferLifecycle } from '../../domain/transfer';
import { InviteNotPendingError, TransferNotFoundError } from '../../domain/transfer.errors';
import { P2pInviteRepository, type InviteRecord } from '../../infrastructure/p2p-invite.repository';
import { TransferRepository } from '../../infrastructure/transfer.repository';
import { errorBody, isRecordableRefusal } from '../transfer-outcome';

const DAY_MS = 86_400_000;
/** The suspense account's qualifier for money held for invitees between the sender's hold and the claim. */
const INVITES_SUSPENSE = 'p2p-invites';

export interface InviteSend {
  sender: Wallet;
  idempotent: { userId: string; key: string; scope: string; body: unknown };
  recipient: { kind: 'email' | 'phone'; value: string; ref: string };
  amount: Money;
  fee: Money;
  note: string | null;
}

/** The same normal forms identity keeps addresses in, so that a verified address matches the invite's. */
export function inviteAddressOf(kind: 'email' | 'phone', typed: string): string {
  if (kind === 'email') return typed.trim().toLowerCase();
  const digits = typed.replace(/[\s().-]/g, '');
  return digits.startsWith('+') ? digits : `+${digits}`;
}

/**
 * Paying someone who has not signed up yet (`inviteIfUnknown: true` on a P2P send to an email or phone no user
 * has): amount + fee are held on the sender's wallet (counted against their limits) and an invitation goes out.
 * The first user who verifies that address within the claim window (P2P_INVITE_CLAIM_DAYS) receives it, once: the
 * hold is posted (to a suspense account) and, in the same transaction, the suspense pays the new wallet and the fee
 * — a FundsTransferred whose transfer id is the invite's. Past the window, or when the sender cancels, the hold is
 * voided and the limits given back. Claims run when identity publishes an email or phone verification, and by a
 * sweep (a job every minute and the sandbox clock's due work) that also catches anything missed.
 */
@Injectable()
export class P2pInvites implements DueWorkSweeper, OnApplicationBootstrap {
  private readonly logger = new Logger('P2pInvites');
  readonly name = 'transfers.p2p-invites';

  constructor(
    private readonly invites: P2pInviteRepository,
    private readonly transfers: TransferRepository,
    private readonly ledger: LedgerService,
    private readonly wallets: WalletAccess,
    private readonly users: Users,
    private readonly executor: IdempotentExecutor,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly relay: OutboxRelay,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly mailbox: DevMailbox,
    private readonly jobs: JobQueue,
    dueWork: DueWork,
    @Optional() @Inject(OUTBOUND_MESSAGES) private readonly channels?: OutboundMessages,
  ) {
    dueWork.register(this);
  }

  onApplicationBootstrap(): void {
    this.jobs
      .schedule(JobName.SweepP2pInvites, '* * * * *', { limit: 500 })
      .catch((error: unknown) => this.logger.warn(`Could not declare the invite sweep: ${String(error)}`));
  }

  async send(input: InviteSend): Promise<IdempotentResult> {
    const { sender, amount, fee, recipient } = input;
    const currency = amount.currency.code;
    const inviteId = randomUUID();
    const result = await this.executor.execute(input.idempotent, async (tx) => {
      const now = this.clock.now();
      const usd = this.wallets.usdValue(amount).plus(this.wallets.usdValue(fee));
      const expiresAt = new Date(now.getTime() + this.config.everyday.inviteClaimDays * DAY_MS);
      let holdId: string;
      try {
        holdId = await this.uow.savepoint(tx, async (inner) => {
          await this.wallets.consumeLimits(inner, sender, usd, now);
          const [account] = await this.ledger.openUserAccounts(inner, sender.userId, [currency]);
          const suspense = await this.ledger.systemAccount(inner, 'suspense', currency, INVITES_SUSPENSE);
          return (
            await this.ledger.placeHold(inner, {
              accountId: account.id,
              counterAccountId: suspense.id,
              currency,
              amount: amount.minor + fee.minor,
              kind: 'p2p_invite',
              reference: inviteId,
            })
          ).holdId;
        });
      } catch (error) {
        if (!isRecordableRefusal(error)) throw error;
        await this.ledger.lockUserAccounts(tx, sender.userId, [currency]);
        await this.outbox.append(tx, [
          {
            type: TransferFailed,
            aggregateId: inviteId,
            userIds: [sender.userId],
            payload: {
              transferId: inviteId,
              batchId: null,
              senderId: sender.userId,
              currency,
              amount: amount.toDecimalString(),
              reason: error.code,
            },
          },
        ]);
        return { status: 422, body: { success: false, error: errorBody(error) } };
      }
      const invite: InviteRecord = {
        id: inviteId,
        senderUserId: sender.userId,
        recipientKind: recipient.kind,
        recipientValue: recipient.value,
        recipientRef: recipient.ref,
        currency,
        amount: amount.minor,
        fee: fee.minor,
        usdValue: usd.minor,
        note: input.note,
        holdId,
        status: 'pending',
        claimedByUserId: null,
        expiresAt,
        createdAt: now,
        updatedAt: now,
      };
      await this.invites.insert(tx, invite);
      await this.outbox.append(tx, [
        {
          type: InviteTransferPending,
          aggregateId: inviteId,
          userIds: [sender.userId],
          payload: {
            inviteId,
            senderId: sender.userId,
            recipientRef: recipient.ref,
            currency,
            amount: amount.toDecimalString(),
            fee: fee.toDecimalString(),
            note: input.note,
            holdId,
            expiresAt: expiresAt.toISOString(),
          },
        },
      ]);
      return {
        status: 202,
        body: {
          success: true,
          transfer: inviteView(invite),
          invitation: { sentTo: maskRecipient(recipient.ref) },
        },
      };
    });
    this.relay.nudge();
    if (!result.replayed && result.status === 202) await this.invite(recipient, amount, input.note);
    return result;
  }

  /** The sender takes it back while it waits to be claimed: the hold is voided and their limits given back. */
  async cancel(senderId: string, id: string) {
    const invite = await this.invites.findForSender(id, senderId);
    if (!invite) throw new TransferNotFoundError();
    // Cancelling again answers it as it is.
    if (invite.status === 'cancelled') return inviteView(invite);
    const after = await this.voidInvite(invite.id, 'cancelled', this.clock.now());
    if (!after) {
      const current = await this.invites.findForSender(id, senderId);
      if (current?.status === 'cancelled') return inviteView(current);
      throw new InviteNotPendingError(current?.status ?? invite.status);
    }
    this.relay.nudge();
    return inviteView(after);
  }

  /** What the sender sees of it (GET /api/p2p-transfer/status/:id while it is not claimed). */
  async statusOf(senderId: string, id: string) {
    const invite = await this.invites.findForSender(id, senderId);
    if (!invite) return null;
    // The status history as the sender saw it: waiting, then claimed, expired or cancelled.
    const history = [{ status: 'pending_claim', at: invite.createdAt.toISOString() }];
    if (invite.status !== 'pending')
      history.push({ status: invite.status, at: invite.updatedAt.toISOString() });
    return { transfer: inviteView(invite), history };
  }

  /** Claims every pending invite to the user's verified email or phone (after identity publishes a verification). */
  async claimFor(userId: string): Promise<number> {
    const profile = await this.users.profile(userId);
    const addresses: Array<{ kind: 'email' | 'phone'; value: string }> = [];
    if (profile.security.emailVerified) {
      addresses.push({ kind: 'email', value: inviteAddressOf('email', profile.email) });
    }
    if (profile.security.phoneVerified && profile.phone) {
      addresses.push({ kind: 'phone', value: inviteAddressOf('phone', profile.phone) });
    }
    let claimed = 0;
    for (const invite of await this.invites.pendingTo(addresses, this.clock.now())) {
      if (invite.senderUserId !== userId && (await this.claim(invite.id, userId))) claimed += 1;
    }
    if (claimed > 0) this.relay.nudge();
    return claimed;
  }

  @OnJob(JobName.SweepP2pInvites)
  async sweepJob({ limit }: { limit: number }): Promise<{ done: number }> {
    await this.clock.sync();
    return { done: await this.sweepAt(this.clock.now(), limit) };
  }

  sweep(now: Date): Promise<number> {
    return this.sweepAt(now, 500);
  }

  /** Voids what expired, then claims what a verified user may have (a verification whose event was missed). */
  private async sweepAt(now: Date, limit: number): Promise<number> {
    let done = 0;
    for (const invite of await this.invites.pendingDue(now, limit)) {
      if (await this.voidInvite(invite.id, 'expired', now)) done += 1;
    }
    const open = await this.invites.pendingOpen(now, limit);
    if (open.length > 0) {
      const found = await this.users.find({
        emails: open.filter((i) => i.recipientKind === 'email').map((i) => i.recipientValue),
        phones: open.filter((i) => i.recipientKind === 'phone').map((i) => i.recipientValue),
      });
      for (const user of found) done += await this.claimFor(user.id);
    }
    if (done > 0) this.relay.nudge();
    return done;
  }

  /** Posts the invite to `userId`'s wallet, exactly once (the invite row is locked and must still be pending). */
  private async claim(id: string, userId: string): Promise<boolean> {
    await this.wallets.ensureWallet(userId);
    return this.uow.run(async (tx) => {
      const invite = await this.invites.lock(tx, id);
      const now = this.clock.now();
      if (!invite || invite.status !== 'pending' || invite.expiresAt <= now) return false;
      const currency = invite.currency as CurrencyCode;
      await this.ledger.postHold(tx, invite.holdId);
      const ledgerTransactionId = await this.payOut(tx, invite, userId);
      const lifecycle = new TransferLifecycle('pending', invite.createdAt);
      lifecycle.moveTo('processing', undefined, invite.createdAt);
      lifecycle.moveTo('completed', undefined, now);
      await this.transfers.insert(
        tx,
        [
          {
            id: invite.id,
            batchId: null,
            senderUserId: invite.senderUserId,
            recipientUserId: userId,
            recipientRef: invite.recipientRef,
            currency,
            amount: invite.amount,
            fee: invite.fee,
            note: invite.note,
            status: 'completed',
            failureCode: null,
            failureMessage: null,
            ledgerTransactionId,
            createdAt: invite.createdAt,
            completedAt: now,
          },
        ],
        new Map([[invite.id, lifecycle.history]]),
      );
      await this.invites.setStatus(tx, invite.id, 'claimed', now, userId);
      await this.outbox.append(tx, [
        {
          type: FundsTransferred,
          aggregateId: invite.id,
          userIds: [invite.senderUserId, userId],
          payload: {
            transferId: invite.id,
            batchId: null,
            senderId: invite.senderUserId,
            recipientId: userId,
            recipientRef: invite.recipientRef,
            currency,
            amount: Money.of(invite.amount, currency).toDecimalString(),
            fee: Money.of(invite.fee, currency).toDecimalString(),
            note: invite.note,
            ledgerTransactionId,
            completedAt: now.toISOString(),
          },
        },
      ]);
      return true;
    });
  }

  /** The suspense account, credited by the posted hold, pays the new wallet the amount and the fees account the fee. */
  private async payOut(tx: EntityManager, invite: InviteRecord, userId: string): Promise<string> {
    const currency = invite.currency;
    const suspense = await this.ledger.systemAccount(tx, 'suspense', currency, INVITES_SUSPENSE);
    const accounts = await this.ledger.userAccountIds(tx, [userId], [currency]);
    const recipientAccount = accounts.get(`${userId}:${currency}`);
    if (!recipientAccount) throw new Error(`no ${currency} account for ${userId}`);
    const entries = [
      { accountId: suspense.id, currency, amount: -(invite.amount + invite.fee) },
      { accountId: recipientAccount, currency, amount: invite.amount },
    ];
    if (invite.fee > 0n) {
      const fees = await this.ledger.systemAccount(tx, 'fees', currency);
      entries.push({ accountId: fees.id, currency, amount: invite.fee });
    }
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'p2p_transfer',
      reference: invite.id,
      entries,
    });
    return transactionId;
  }

  /** Voids a pending invite (expired or cancelled): the invite after, or null when it was no longer pending. */
  private async voidInvite(
    id: string,
    reason: 'expired' | 'cancelled',
    now: Date,
  ): Promise<InviteRecord | null> {
    return this.uow.run(async (tx) => {
      const invite = await this.invites.lock(tx, id);
      if (!invite || invite.status !== 'pending') return null;
      await this.ledger.voidHold(tx, invite.holdId);
      await this.wallets.releaseLimits(
        tx,
        invite.senderUserId,
        Money.of(invite.usdValue, 'USD'),
        invite.createdAt,
      );
      await this.invites.setStatus(tx, invite.id, reason, now);
      await this.outbox.append(tx, [
        {
          type: InviteTransferVoided,
          aggregateId: invite.id,
          userIds: [invite.senderUserId],
          payload: {
            inviteId: invite.id,
            senderId: invite.senderUserId,
            recipientRef: invite.recipientRef,
            currency: invite.currency,
            amount: Money.of(invite.amount, invite.currency as CurrencyCode).toDecimalString(),
            reason,
            at: now.toISOString(),
          },
        },
      ]);
      return { ...invite, status: reason, updatedAt: now };
    });
  }

  /** The invitation, through the real channels when notifications binds them, else the dev mailbox and the log. */
  private async invite(
    recipient: InviteSend['recipient'],
    amount: Money,
    note: string | null,
  ): Promise<void> {
    const subject = `You were sent ${amount.toDecimalString()} ${amount.currency.code} on Monay`;
    const text =
      `Someone sent you ${amount.toDecimalString()} ${amount.currency.code} on Monay${note ? ` (“${note}”)` : ''}. ` +
      `Sign up and verify this ${recipient.kind === 'email' ? 'email address' : 'phone number'} within ` +
      `${this.config.everyday.inviteClaimDays} days to receive it.`;
    const meta = { purpose: 'p2p_invite', amount: amount.toDecimalString(), currency: amount.currency.code };
    try {
      if (this.channels) {
        await this.channels.send({
          channel: recipient.kind === 'email' ? 'email' : 'sms',
          to: recipient.value,
          ...(recipient.kind === 'email' && { subject }),
          text,
          devMeta: meta,
        });
        return;
      }
      this.logger.log(`${recipient.kind} invitation to ${maskRecipient(recipient.ref)}`);
      await this.mailbox.record({
        channel: recipient.kind === 'email' ? 'email' : 'sms',
        to: recipient.value,
        ...(recipient.kind === 'email' && { subject }),
        text,
        meta,
      });
    } catch (error) {
      // The money is held either way; the sender may tell the invitee themselves.
      this.logger.warn(`Could not send an invitation: ${String(error)}`);
    }
  }
}

export type InviteView = ReturnType<typeof inviteView>;

function inviteView(invite: InviteRecord) {
  const currency = invite.currency as CurrencyCode;
  return {
    id: invite.id,
    status: invite.status === 'pending' ? 'pending_claim' : invite.status,
    to: { ref: invite.recipientRef, displayName: maskRecipient(invite.recipientRef) },
    amount: Money.of(invite.amount, currency).toDecimalString(),
    currency,
    fee: Money.of(invite.fee, currency).toDecimalString(),
    note: invite.note,
    claimExpiresAt: invite.expiresAt.toISOString(),
    createdAt: invite.createdAt.toISOString(),
  };
}
