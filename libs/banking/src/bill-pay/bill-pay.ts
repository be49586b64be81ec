import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { Money, type CurrencyCode } from '#monay/kernel';
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
import { WalletAccess } from '#monay/wallet';
import { AccountCipher } from '../bank-accounts/account-cipher';
import { clearingQualifier } from '../domain/bank-transfer';
import { BankingCalendar, formatLocalDate, type LocalDate } from '../domain/banking-calendar';
import {
  BillerAccountNumberInvalidError,
  BillerNotFoundError,
  BillPaymentNotCancellableError,
  BillPaymentNotFoundError,
  DeliverByTooEarlyError,
  PayeeAlreadyAddedError,
  PayeeNotFoundError,
} from '../domain/banking.errors';
import { BILLERS, billerById, billerView, sandboxOutcomeOf, type Biller } from '../domain/billers';
import {
  BillPaymentFailed,
  BillPaymentRequested,
  BillPaymentReversed,
  BillPaymentSent,
} from '../domain/events';
import { BillPayRepository, type BillPayment, type Payee } from './bill-pay.repository';

/** The suspense account a bill payment's money waits in between the user's hold and the bill pay clearing account. */
export const BILL_PAY_SUSPENSE = 'bill-pay';
export const BILL_PAY_CLEARING = clearingQualifier('billpay');
const REVERSAL_BUSINESS_DAYS = 2;

/**
 * Bill pay from the wallet (Method Financial's states, Galileo's directory): payees checked against the biller's
 * account-number mask; a payment holds its amount at once and moves on the banking calendar — `pending` until its
 * run (the submission day's cut-off), `processing` until it is sent (the next business day at 09:00: the hold is
 * posted), `sent` until delivered (`estimatedDelivery`, from the biller's lead time: paper checks take longer), then
 * `posted`; the biller may refuse it at processing (`failed`, the hold released) or reverse it after posting
 * (`reversed`, a new ledger transaction gives the money back). It can be cancelled until it is sent.
 */
@Injectable()
export class BillPay {
  private readonly logger = new Logger('BillPay');

  constructor(
    private readonly repository: BillPayRepository,
    private readonly cipher: AccountCipher,
    private readonly ledger: LedgerService,
    private readonly wallets: WalletAccess,
    private readonly calendar: BankingCalendar,
    private readonly executor: IdempotentExecutor,
    private readonly uow: UnitOfWork,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  billers(query?: string) {
    const q = query?.trim().toLowerCase();
    return BILLERS.filter((b) => !q || b.name.toLowerCase().includes(q) || b.category.includes(q)).map(
      billerView,
    );
  }

  private async requireBillPay(userId: string): Promise<void> {
    this.wallets.requireFeature(await this.wallets.ensureWallet(userId), 'bank_transfers');
  }

  async addPayee(userId: string, input: { billerId: string; accountNumber: string; nickname: string }) {
    await this.requireBillPay(userId);
    const biller = billerById(input.billerId);
    if (!biller) throw new BillerNotFoundError();
    const accountNumber = input.accountNumber.trim();
    if (!biller.mask.test(accountNumber)) throw new BillerAccountNumberInvalidError(biller.maskHint);
    const fingerprint = this.cipher.fingerprint(biller.id, accountNumber);
    const payee: Payee = {
      id: newId(),
      userId,
      billerId: biller.id,
      accountMask: accountNumber.slice(-4),
      nickname: input.nickname.trim(),
      createdAt: this.clock.now(),
    };
    const inserted = await this.repository.insertPayee({
      ...payee,
      sealedNumber: this.cipher.seal(accountNumber),
      fingerprint,
    });
    if (!inserted) {
      const existing = await this.repository.payeeByFingerprint(userId, fingerprint);
      throw new PayeeAlreadyAddedError(existing?.id ?? '');
    }
    return this.payeeView(payee, biller, undefined);
  }

  async list(userId: string) {
    const [payees, last] = await Promise.all([
      this.repository.payees(userId),
      this.repository.lastPayments(userId),
    ]);
    return payees.map((payee) =>
      this.payeeView(payee, billerById(payee.billerId) as Biller, last.get(payee.id)),
    );
  }

  async pay(input: {
    userId: string;
    idempotencyKey: string;
    body: unknown;
    payeeId: string;
    amount: Money;
    deliverBy?: string;
  }): Promise<IdempotentResult> {
    const idempotency = {
      userId: input.userId,
      key: input.idempotencyKey,
      scope: 'bill-pay.pay',
      body: input.body,
    };
    if (!(await this.executor.answered(idempotency))) await this.requireBillPay(input.userId);
    return this.executor.execute(idempotency, async (tx) => {
      const payee = await this.repository.payee(input.userId, input.payeeId, tx);
      if (!payee) throw new PayeeNotFoundError();
      const biller = billerById(payee.billerId) as Biller;
      const now = this.clock.now();
      const delivery = this.calendar.deliveryDate(now, biller.leadBusinessDays);
      const estimatedDelivery = formatLocalDate(delivery);
      if (input.deliverBy !== undefined && input.deliverBy < estimatedDelivery) {
        throw new DeliverByTooEarlyError(estimatedDelivery);
      }
      const walletRow = await this.wallets.findByUserId(input.userId, tx);
      if (!walletRow) throw new PayeeNotFoundError();
      await this.wallets.consumeLimits(tx, walletRow, this.wallets.usdValue(input.amount), now);
      const id = newId();
      const currency = input.amount.currency.code;
      const [account] = await this.ledger.openUserAccounts(tx, input.userId, [currency]);
      const suspense = await this.ledger.systemAccount(tx, 'suspense', currency, BILL_PAY_SUSPENSE);
      const { holdId } = await this.ledger.placeHold(tx, {
        accountId: account.id,
        counterAccountId: suspense.id,
        currency,
        amount: input.amount.minor,
        kind: 'bill_payment',
        reference: id,
      });
      const runAt = this.calendar.billRun(now);
      const payment: BillPayment = {
        id,
        userId: input.userId,
        payeeId: payee.id,
        billerId: biller.id,
        method: biller.method,
        status: 'pending',
        currency,
        amount: input.amount.minor,
        holdId,
        ledgerTransactionId: null,
        reversalTransactionId: null,
        failureCode: null,
        sandboxOutcome: sandboxOutcomeOf(this.cipher.open(payee.sealedNumber)),
        estimatedDelivery,
        deliverBy: input.deliverBy ?? null,
        runAt,
        sendAt: this.calendar.billSent(runAt),
        postAt: this.calendar.billPosted(delivery),
        nextStepAt: runAt,
        createdAt: now,
        updatedAt: now,
      };
      await this.repository.insertPayment(tx, payment);
      await this.outbox.append(tx, [
        this.message(payment, payee, BillPaymentRequested, { estimatedDelivery }),
      ]);
      return { status: 202, body: { success: true, payment: this.paymentView(payment, payee) } };
    });
  }

  async cancel(userId: string, id: string) {
    const result = await this.uow.run(async (tx) => {
      const payment = await this.repository.payment(id, tx, true);
      if (!payment || payment.userId !== userId) throw new BillPaymentNotFoundError();
      // Cancelled already: the same answer again.
      if (payment.status === 'cancelled') return payment;
      if (payment.status !== 'pending' && payment.status !== 'processing') {
        throw new BillPaymentNotCancellableError(payment.status);
      }
      return this.fail(tx, payment, 'cancelled', 'CANCELLED');
    });
    return this.paymentView(result, await this.payeeOf(result));
  }

  async history(userId: string, limit: number, before?: { createdAt: Date; id: string }) {
    const payments = await this.repository.history(userId, limit + 1, before);
    const page = payments.slice(0, limit);
    const payees = new Map((await this.repository.payees(userId)).map((payee) => [payee.id, payee]));
    const last = page.at(-1);
    return {
      payments: page.map((payment) => this.paymentView(payment, payees.get(payment.payeeId) as Payee)),
      next: payments.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
    };
  }

  /** Moves every payment whose next step is due at `now` (the banking clock's sweep); how many moved. */
  async runDue(now: Date): Promise<number> {
    let moved = 0;
    for (let round = 0; round < 5; round += 1) {
      const due = await this.repository.due(now, 500);
      if (due.length === 0) break;
      for (const id of due) {
        try {
          if (await this.step(id, now)) moved += 1;
        } catch (error) {
          this.logger.warn({ err: error, billPaymentId: id }, 'Could not move a bill payment on');
        }
      }
    }
    return moved;
  }

  /** One step of one payment, under its row lock. */
  private step(id: string, now: Date): Promise<boolean> {
    return this.uow.run(async (tx) => {
      const p = await this.repository.payment(id, tx, true);
      if (!p || !p.nextStepAt || p.nextStepAt > now) return false;
      switch (p.status) {
        case 'pending':
          if (p.sandboxOutcome === 'refused') {
            await this.fail(tx, p, 'failed', 'PAYMENT_INVALID_ACCOUNT');
          } else {
            await this.repository.update(tx, p.id, { status: 'processing', nextStepAt: p.sendAt, now });
          }
          return true;
        case 'processing':
          await this.send(tx, p, now);
          return true;
        case 'sent': {
          const reversal =
            p.sandboxOutcome === 'reversed'
              ? this.calendar.billPosted(
                  this.calendar.addBusinessDays(this.calendar.dateOf(p.postAt), REVERSAL_BUSINESS_DAYS),
                )
              : null;
          await this.repository.update(tx, p.id, { status: 'posted', nextStepAt: reversal, now });
          return true;
        }
        case 'posted':
          if (p.sandboxOutcome === 'reversed') await this.reverse(tx, p, now);
          else await this.repository.update(tx, p.id, { status: 'posted', nextStepAt: null, now });
          return true;
        default:
          await this.repository.update(tx, p.id, { status: p.status, nextStepAt: null, now });
          return false;
      }
    });
  }

  private async send(tx: EntityManager, p: BillPayment, now: Date): Promise<void> {
    if (!p.holdId) throw new Error(`Bill payment ${p.id} has no hold`);
    await this.ledger.postHold(tx, p.holdId);
    const suspense = await this.ledger.systemAccount(tx, 'suspense', p.currency, BILL_PAY_SUSPENSE);
    const clearing = await this.ledger.systemAccount(tx, 'provider_clearing', p.currency, BILL_PAY_CLEARING);
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'bill_payment',
      reference: p.id,
      metadata: { biller: p.billerId, method: p.method },
      entries: [
        { accountId: suspense.id, currency: p.currency, amount: -p.amount },
        { accountId: clearing.id, currency: p.currency, amount: p.amount },
      ],
    });
    await this.repository.update(tx, p.id, {
      status: 'sent',
      nextStepAt: p.postAt,
      now,
      ledgerTransactionId: transactionId,
    });
    const payee = (await this.repository.payee(p.userId, p.payeeId, tx)) as Payee;
    await this.outbox.append(tx, [
      this.message(p, payee, BillPaymentSent, {
        ledgerTransactionId: transactionId,
        sentAt: p.sendAt.toISOString(),
        estimatedDelivery: p.estimatedDelivery,
      }),
    ]);
  }

  private async reverse(tx: EntityManager, p: BillPayment, now: Date): Promise<void> {
    const [account] = await this.ledger.openUserAccounts(tx, p.userId, [p.currency]);
    const clearing = await this.ledger.systemAccount(tx, 'provider_clearing', p.currency, BILL_PAY_CLEARING);
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'reversal',
      reference: p.id,
      metadata: { reverses: p.ledgerTransactionId, biller: p.billerId },
      entries: [
        { accountId: clearing.id, currency: p.currency, amount: -p.amount },
        { accountId: account.id, currency: p.currency, amount: p.amount },
      ],
    });
    await this.repository.update(tx, p.id, {
      status: 'reversed',
      nextStepAt: null,
      now,
      reversalTransactionId: transactionId,
      failureCode: 'REVERSED_BY_BILLER',
    });
    const payee = (await this.repository.payee(p.userId, p.payeeId, tx)) as Payee;
    await this.outbox.append(tx, [
      this.message(p, payee, BillPaymentReversed, {
        ledgerTransactionId: transactionId,
        reversedAt: (p.nextStepAt ?? now).toISOString(),
      }),
    ]);
  }

  private async fail(
    tx: EntityManager,
    p: BillPayment,
    status: 'failed' | 'cancelled',
    reason: string,
  ): Promise<BillPayment> {
    const now = this.clock.now();
    if (p.holdId) await this.ledger.voidHold(tx, p.holdId);
    await this.wallets.releaseLimits(
      tx,
      p.userId,
      this.wallets.usdValue(Money.of(p.amount, p.currency as CurrencyCode)),
      p.createdAt,
    );
    await this.repository.update(tx, p.id, { status, nextStepAt: null, now, failureCode: reason });
    const payee = (await this.repository.payee(p.userId, p.payeeId, tx)) as Payee;
    await this.outbox.append(tx, [this.message(p, payee, BillPaymentFailed, { status, reason })]);
    return { ...p, status, nextStepAt: null, failureCode: reason, updatedAt: now };
  }

  private async payeeOf(p: BillPayment): Promise<Payee> {
    return (await this.repository.payee(p.userId, p.payeeId)) as Payee;
  }

  private message(
    p: BillPayment,
    payee: Payee,
    type: 'BillPaymentRequested' | 'BillPaymentSent' | 'BillPaymentFailed' | 'BillPaymentReversed',
    extra: Record<string, unknown>,
  ): AnyOutboxMessage {
    const biller = billerById(p.billerId) as Biller;
    return outboxMessage(type, p.id, [p.userId], {
      billPaymentId: p.id,
      userId: p.userId,
      payeeId: p.payeeId,
      billerName: biller.name,
      billerType: biller.billerType,
      method: p.method,
      currency: p.currency,
      amount: Money.of(p.amount, p.currency as CurrencyCode).toDecimalString(),
      account: `••${payee.accountMask}`,
      ...extra,
    } as never) as AnyOutboxMessage;
  }

  paymentView(p: BillPayment, payee: Payee | undefined) {
    const biller = billerById(p.billerId) as Biller;
    return {
      id: p.id,
      payeeId: p.payeeId,
      biller: biller.name,
      nickname: payee?.nickname ?? null,
      account: payee ? `••${payee.accountMask}` : null,
      method: p.method,
      status: p.status,
      amount: Money.of(p.amount, p.currency as CurrencyCode).toDecimalString(),
      currency: p.currency,
      estimatedDelivery: p.estimatedDelivery,
      deliverBy: p.deliverBy,
      failureCode: p.failureCode,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
    };
  }

  private payeeView(payee: Payee, biller: Biller, last: BillPayment | undefined) {
    const earliest: LocalDate = this.calendar.deliveryDate(this.clock.now(), biller.leadBusinessDays);
    return {
      id: payee.id,
      billerId: biller.id,
      biller: biller.name,
      category: biller.category,
      nickname: payee.nickname,
      account: `••${payee.accountMask}`,
      paymentMethod: biller.method,
      earliestDelivery: formatLocalDate(earliest),
      lastPayment: last
        ? {
            id: last.id,
            amount: Money.of(last.amount, last.currency as CurrencyCode).toDecimalString(),
            currency: last.currency,
            status: last.status,
            estimatedDelivery: last.estimatedDelivery,
            createdAt: last.createdAt.toISOString(),
          }
        : null,
    };
  }
}
