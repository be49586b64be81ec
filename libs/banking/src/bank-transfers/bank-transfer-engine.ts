import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Money } from '#monay/kernel';
import {
  newId,
  Clock,
  IdempotentExecutor,
  OutboxWriter,
  UnitOfWork,
  outboxMessage,
  type AnyOutboxMessage,
  type IdempotentResult,
} from '#monay/shared';
import { StepUp, type StepUpContext } from '#monay/identity';
import { WalletAccess } from '#monay/wallet';
import { BankAccounts } from '../bank-accounts/bank-accounts';
import { labelOf } from '../bank-accounts/bank-account';
import {
  CENTS_TO_WALLET,
  RAIL_FEES_CENTS,
  WALLET_CURRENCY,
  type BankTransfer,
  type BankTransferDirection,
  type BankTransferSpeed,
} from '../domain/bank-transfer';
import { BankingCalendar, RETURN_WINDOW_DAYS, type Rail } from '../domain/banking-calendar';
import {
  BankAccountNotVerifiedError,
  BankAmountBelowFeeError,
  BankRailsFrozenError,
  BankTransferNotCancellableError,
  BankTransferNotFoundError,
} from '../domain/banking.errors';
import {
  BankRailsFrozen,
  BankTransferFailed,
  BankTransferRequested,
  BankTransferReturned,
  BankTransferSettled,
} from '../domain/events';
import { RETURN_CODES, isReturnCode, meaningOf } from '../domain/return-codes';
import { BANK_RAIL_VENDOR, type BankRailVendor, type VendorTransfer } from '../vendors/bank-rail.port';
import { BankTransferLedger } from './bank-transfer-ledger';
import { BankTransferRepository } from './bank-transfer.repository';
import { bankTransferView, wallet } from './bank-transfer-view';

const DAY_MS = 86_400_000;

export interface BankTransferRequest {
  userId: string;
  idempotencyKey: string;
  /** The validated body, for the idempotency hash. */
  body: unknown;
  bankAccountId: string;
  /** USD. */
  amount: Money;
  rail: Rail;
  direction: BankTransferDirection;
  speed: BankTransferSpeed;
  /** The client's session and step-up token (withdrawals: identity's step-up check). */
  stepUp: StepUpContext;
}

/**
 * Bank transfers over ACH and wire, on the movement engine's pattern: record (a withdrawal's hold and the limits
 * counted) with the client's idempotent answer in one transaction → send to the rail outside any transaction (our
 * transfer id is the vendor's idempotency key) → settle once, whoever sees the vendor's status first (the due-work
 * sweep or a webhook), under a row lock, with the ledger booking and the events in one transaction. After settlement
 * the transfer is asked about daily for 60 days: a return reverses it with a new ledger transaction and acts on the
 * account (Dwolla's table).
 */
@Injectable()
export class BankTransferEngine {
  private readonly logger = new Logger('BankTransfers');

  constructor(
    private readonly repository: BankTransferRepository,
    private readonly ledger: BankTransferLedger,
    private readonly accounts: BankAccounts,
    private readonly wallets: WalletAccess,
    @Inject(BANK_RAIL_VENDOR) private readonly vendor: BankRailVendor,
    private readonly calendar: BankingCalendar,
    private readonly executor: IdempotentExecutor,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
    private readonly stepUp: StepUp,
  ) {}

  async request(input: BankTransferRequest): Promise<IdempotentResult> {
    const idempotency = {
      userId: input.userId,
      key: input.idempotencyKey,
      scope: `bank.${input.rail}.${input.direction}`,
      body: input.body,
    };
    // Gates first (nothing stored): a replay of an answered key skips them and answers as before.
    if (!(await this.executor.answered(idempotency))) {
      const walletRow = await this.wallets.ensureWallet(input.userId);
      this.wallets.requireFeature(walletRow, input.rail === 'wire' ? 'wires' : 'bank_transfers');
      if (input.direction === 'withdrawal') {
        // Money out: a step-up above the amount threshold (and, with 2FA, to an account never paid out to), as for
        // provider withdrawals; a 403 STEP_UP_REQUIRED stores nothing, so the same key works after stepping up.
        const total = input.amount.minor + RAIL_FEES_CENTS[input.speed];
        await this.stepUp.assert({
          userId: input.userId,
          context: input.stepUp,
          operation: 'withdrawal',
          amountUsd: Money.of(total, 'USD'),
          newDestination: async () =>
            !(await this.repository.hasPaidOutTo(input.userId, input.bankAccountId)),
          alreadyAnswered: () => this.executor.answered(idempotency),
        });
      }
    }
    const result = await this.executor.execute(idempotency, async (tx) => {
      const freeze = await this.repository.freezeOf(input.userId, tx);
      if (freeze) throw new BankRailsFrozenError(`return ${freeze.returnCode}`);
      const account = await this.accounts.owned(input.userId, input.bankAccountId, tx, true);
      if (account.status !== 'verified') throw new BankAccountNotVerifiedError(account.status);
      const feeCents = RAIL_FEES_CENTS[input.speed];
      if (input.direction === 'deposit' && input.amount.minor <= feeCents) {
        throw new BankAmountBelowFeeError(Money.of(feeCents, 'USD').toDecimalString());
      }
      const amount = input.amount.minor * CENTS_TO_WALLET;
      const fee = feeCents * CENTS_TO_WALLET;
      const now = this.clock.now();
      const id = newId();
      const walletRow = await this.wallets.findByUserId(input.userId, tx);
      if (!walletRow) throw new BankTransferNotFoundError();
      const total = Money.of(input.direction === 'withdrawal' ? amount + fee : amount, WALLET_CURRENCY);
      const usdValue = this.wallets.usdValue(total);
      const scope = input.direction === 'deposit' ? 'deposit' : 'send';
      await this.wallets.consumeLimits(tx, walletRow, usdValue, now, scope);
      let holdId: string | null = null;
      if (input.direction === 'withdrawal') {
        ({ holdId } = await this.ledger.hold(tx, {
          id,
          userId: input.userId,
          currency: WALLET_CURRENCY,
          total: amount + fee,
          kind: `bank_${input.rail}_withdrawal`,
        }));
      }
      const transfer: BankTransfer = {
        id,
        userId: input.userId,
        bankAccountId: account.id,
        rail: input.rail,
        direction: input.direction,
        speed: input.speed,
        status: 'pending',
        amount,
        fee,
        currency: WALLET_CURRENCY,
        holdId,
        ledgerTransactionId: null,
        reversalTransactionId: null,
        vendorTransferId: null,
        returnCode: null,
        bankAccountLabel: labelOf(account),
        expectedSettlementAt:
          input.rail === 'wire'
            ? this.calendar.wireSettlement(now)
            : this.calendar.achSettlement(now, input.speed === 'same_day' ? 'same_day' : 'standard'),
        cancelBefore: input.rail === 'ach' ? this.calendar.achCancelDeadline(now) : null,
        // Sent to the rail right after the commit; should that not happen, the sweep sends it.
        nextCheckAt: now,
        createdAt: now,
        settledAt: null,
        closedAt: null,
      };
      await this.repository.insert(tx, transfer);
      await this.outbox.append(tx, [
        this.message(transfer, BankTransferRequested, {
          held:
            input.direction === 'withdrawal'
              ? wallet(amount + fee, WALLET_CURRENCY)
              : wallet(0n, WALLET_CURRENCY),
          expectedSettlementAt: transfer.expectedSettlementAt.toISOString(),
        }),
      ]);
      return { status: 202, body: { success: true, transfer: bankTransferView(transfer) } };
    });
    const id = (result.body.transfer as { id: string }).id;
    if (!result.replayed)
      await this.submit(id).catch((error: unknown) =>
        this.logger.warn(`Bank transfer ${id} not sent yet: ${String(error)}`),
      );
    return result;
  }

  /** Sends a recorded transfer to the rail (idempotent by our id). */
  async submit(id: string): Promise<void> {
    const transfer = await this.repository.find(id);
    if (!transfer || transfer.vendorTransferId || transfer.status !== 'pending') return;
    const account = await this.accounts.owned(transfer.userId, transfer.bankAccountId);
    if (!account.vendorFundingSourceId) throw new Error(`Bank account ${account.id} has no funding source`);
    const sent = await this.vendor.createTransfer({
      idempotencyKey: transfer.id,
      fundingSourceId: account.vendorFundingSourceId,
      direction: transfer.direction === 'deposit' ? 'debit' : 'credit',
      rail: transfer.rail,
      clearing:
        transfer.rail === 'wire' ? 'wire' : transfer.speed === 'same_day' ? 'next-available' : 'standard',
      amountCents: transfer.amount / CENTS_TO_WALLET,
      now: transfer.createdAt,
    });
    await this.repository.setVendorTransfer(transfer.id, sent.id, transfer.expectedSettlementAt);
  }

  async status(userId: string, id: string) {
    const transfer = await this.repository.findOwned(userId, id);
    if (!transfer) throw new BankTransferNotFoundError();
    return bankTransferView(transfer);
  }

  async cancel(userId: string, id: string) {
    const transfer = await this.repository.findOwned(userId, id);
    if (!transfer) throw new BankTransferNotFoundError();
    // Cancelled already: the same answer again.
    if (transfer.status === 'cancelled') return bankTransferView(transfer);
    const now = this.clock.now();
    if (
      transfer.status !== 'pending' ||
      transfer.rail !== 'ach' ||
      !transfer.cancelBefore ||
      now >= transfer.cancelBefore
    ) {
      throw new BankTransferNotCancellableError(
        transfer.status,
        transfer.cancelBefore?.toISOString() ?? null,
      );
    }
    if (!transfer.vendorTransferId) await this.submit(transfer.id);
    const sent = (await this.repository.find(transfer.id)) as BankTransfer;
    if (!sent.vendorTransferId) throw new BankTransferNotCancellableError(sent.status, null);
    const vendorState = await this.vendor.cancelTransfer(sent.vendorTransferId);
    const after = await this.apply(sent.id, vendorState);
    if (after.status !== 'cancelled') {
      throw new BankTransferNotCancellableError(after.status, transfer.cancelBefore.toISOString());
    }
    return bankTransferView(after);
  }

  /** Asks the vendor about a transfer and applies its answer (the sweep, a webhook). */
  async refresh(transfer: BankTransfer): Promise<BankTransfer> {
    if (!transfer.vendorTransferId) {
      await this.submit(transfer.id);
      return (await this.repository.find(transfer.id)) as BankTransfer;
    }
    const vendorState = await this.vendor.transfer(transfer.vendorTransferId);
    if (!vendorState) {
      this.logger.error({ transferId: transfer.id }, 'The bank rail does not know this transfer');
      return transfer;
    }
    return this.apply(transfer.id, vendorState);
  }

  /**
   * Brings our transfer to the vendor's state, once: row lock, then settle, fail, cancel or return, with the
   * ledger and the events in one transaction. Account actions of a return's code follow after the commit.
   */
  async apply(id: string, vendorState: VendorTransfer): Promise<BankTransfer> {
    const actions: Array<() => Promise<void>> = [];
    const result = await this.uow.run(async (tx) => {
      const t = await this.repository.find(id, tx, true);
      if (!t) throw new BankTransferNotFoundError();
      const now = this.clock.now();
      let current = t;
      if (current.status === 'pending') {
        if (
          vendorState.status === 'processed' ||
          (vendorState.status === 'failed' && vendorState.processedAt)
        ) {
          current = await this.settle(tx, current, vendorState.processedAt ?? now);
        } else if (vendorState.status === 'failed' || vendorState.status === 'cancelled') {
          current = await this.fail(tx, current, vendorState, now, actions);
        } else {
          await this.repository.update(tx, current.id, {
            nextCheckAt: new Date(
              Math.max(now.getTime(), current.expectedSettlementAt.getTime()) + 3_600_000,
            ),
          });
          return current;
        }
      }
      if (current.status === 'processed') {
        if (vendorState.status === 'failed') {
          current = await this.returned(tx, current, vendorState, now, actions);
        } else {
          const settledAt = current.settledAt ?? now;
          const windowEnds = settledAt.getTime() + RETURN_WINDOW_DAYS * DAY_MS;
          const next = now.getTime() + DAY_MS;
          const nextCheckAt = next > windowEnds ? null : new Date(next);
          await this.repository.update(tx, current.id, { nextCheckAt });
          current = { ...current, nextCheckAt };
        }
      }
      return current;
    });
    for (const action of actions) {
      await action().catch((error: unknown) =>
        this.logger.warn(`Bank transfer ${id}: an account action failed: ${String(error)}`),
      );
    }
    return result;
  }

  private async settle(tx: EntityManager, t: BankTransfer, settledAt: Date): Promise<BankTransfer> {
    const ledgerTransactionId = await this.ledger.settle(tx, t);
    // Returns are asked about from a day after settlement (a clock moved by days may be past that already).
    const nextCheckAt = new Date(settledAt.getTime() + DAY_MS);
    await this.repository.update(tx, t.id, {
      status: 'processed',
      ledgerTransactionId,
      settledAt,
      nextCheckAt,
    });
    const settled: BankTransfer = { ...t, status: 'processed', ledgerTransactionId, settledAt, nextCheckAt };
    await this.outbox.append(tx, [
      this.message(settled, BankTransferSettled, {
        posted: wallet(t.direction === 'deposit' ? t.amount - t.fee : t.amount + t.fee, t.currency),
        ledgerTransactionId,
        settledAt: settledAt.toISOString(),
      }),
    ]);
    return settled;
  }

  private async fail(
    tx: EntityManager,
    t: BankTransfer,
    vendorState: VendorTransfer,
    now: Date,
    actions: Array<() => Promise<void>>,
  ): Promise<BankTransfer> {
    const status = vendorState.status === 'cancelled' ? 'cancelled' : 'failed';
    const reason = status === 'cancelled' ? 'CANCELLED' : (vendorState.failureCode ?? 'FAILED');
    if (t.holdId) await this.ledger.voidHold(tx, t.holdId);
    await this.releaseLimits(tx, t);
    const returnCode = status === 'failed' ? vendorState.failureCode : null;
    await this.repository.update(tx, t.id, { status, returnCode, closedAt: now, nextCheckAt: null });
    const failed: BankTransfer = { ...t, status, returnCode, closedAt: now, nextCheckAt: null };
    await this.outbox.append(tx, [
      this.message(failed, BankTransferFailed, { status, reason, holdReleased: t.holdId !== null }),
    ]);
    if (returnCode) await this.actOnReturn(tx, failed, returnCode, now, actions);
    return failed;
  }

  private async returned(
    tx: EntityManager,
    t: BankTransfer,
    vendorState: VendorTransfer,
    now: Date,
    actions: Array<() => Promise<void>>,
  ): Promise<BankTransfer> {
    const returnCode = vendorState.failureCode ?? 'R01';
    const { transactionId, reversed, receivable } = await this.ledger.reverse(tx, t, returnCode);
    if (receivable > 0n) {
      this.logger.error(
        { transferId: t.id, userId: t.userId, receivable: receivable.toString() },
        'A returned bank deposit could not be taken back in full: the rest is a receivable',
      );
    }
    await this.repository.update(tx, t.id, {
      status: 'returned',
      returnCode,
      reversalTransactionId: transactionId,
      closedAt: now,
      nextCheckAt: null,
    });
    const after: BankTransfer = {
      ...t,
      status: 'returned',
      returnCode,
      reversalTransactionId: transactionId,
      closedAt: now,
      nextCheckAt: null,
    };
    await this.outbox.append(tx, [
      this.message(after, BankTransferReturned, {
        returnCode,
        meaning: meaningOf(returnCode) ?? returnCode,
        reversed: wallet(reversed, t.currency),
        receivable: wallet(receivable, t.currency),
        ledgerTransactionId: transactionId,
        returnedAt: (vendorState.failedAt ?? now).toISOString(),
      }),
    ]);
    await this.actOnReturn(tx, after, returnCode, now, actions);
    return after;
  }

  /** Dwolla's table: R02 removes the account, R03/R04 unverify it, R05/R07/R10 freeze the user's bank rails. */
  private async actOnReturn(
    tx: EntityManager,
    t: BankTransfer,
    code: string,
    now: Date,
    actions: Array<() => Promise<void>>,
  ): Promise<void> {
    if (!isReturnCode(code)) return;
    const action = RETURN_CODES[code].action;
    if (action === 'freeze_rails') {
      if (await this.repository.freeze(tx, t.userId, code, t.id, now)) {
        await this.outbox.append(tx, [
          outboxMessage(BankRailsFrozen, t.userId, [t.userId], {
            userId: t.userId,
            returnCode: code,
            bankTransferId: t.id,
          }),
        ]);
      }
      return;
    }
    if (action !== 'unverify_account' && action !== 'remove_account') return;
    const account = await this.accounts.owned(t.userId, t.bankAccountId, tx, true).catch(() => null);
    if (!account) return;
    const status = action === 'remove_account' ? 'removed' : 'unverified';
    await this.accounts.changeStatus(tx, account, status, `${code}: ${meaningOf(code)}`);
    const fundingSourceId = account.vendorFundingSourceId;
    if (fundingSourceId) actions.push(() => this.vendor.setFundingSourceStatus(fundingSourceId, status));
  }

  private async releaseLimits(tx: EntityManager, t: BankTransfer): Promise<void> {
    const total = Money.of(t.direction === 'withdrawal' ? t.amount + t.fee : t.amount, t.currency as 'USDC');
    await this.wallets.releaseLimits(
      tx,
      t.userId,
      this.wallets.usdValue(total),
      t.createdAt,
      t.direction === 'deposit' ? 'deposit' : 'send',
    );
  }

  private message<
    K extends 'BankTransferRequested' | 'BankTransferSettled' | 'BankTransferFailed' | 'BankTransferReturned',
  >(t: BankTransfer, type: K, extra: Record<string, unknown>): AnyOutboxMessage {
    return outboxMessage(type, t.id, [t.userId], {
      bankTransferId: t.id,
      userId: t.userId,
      rail: t.rail,
      direction: t.direction,
      speed: t.speed,
      currency: t.currency,
      amount: wallet(t.amount, t.currency),
      fee: wallet(t.fee, t.currency),
      bankAccount: t.bankAccountLabel,
      ...extra,
    } as never) as AnyOutboxMessage;
  }
}
