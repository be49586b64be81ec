import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LedgerService } from '#monay/ledger';
import { clearingQualifier, type BankTransfer } from '../domain/bank-transfer';

/** The suspense account withdrawals wait in between the user's hold and the rail's clearing account. */
export const BANK_OUTBOUND_SUSPENSE = 'bank-outbound';
/** What a returned deposit took back and the wallet could not cover: a receivable from the user. */
export const BANK_RECEIVABLES = 'bank-receivables';
export const BANK_FEES = 'bank';

/**
 * The ledger side of bank transfers, in the caller's transaction (the movement engine's pattern):
 * - deposit settled: clearing(bank:rail) −A, user +(A−f), fees +f;
 * - withdrawal requested: hold A+f on the user (counter: suspense/bank-outbound); settled: the hold posted, then
 *   suspense −(A+f), clearing +A, fees +f; failed or cancelled before: the hold voided;
 * - returned after settlement: a new transaction reverses the settlement — a deposit: clearing +A, fees −f,
 *   user −(A−f) (what the wallet lacks is booked to suspense/bank-receivables); a withdrawal: clearing −A, fees −f,
 *   user +(A+f).
 * The clearing account mirrors our settlement account at the vendor: its balance is the negative of it.
 */
@Injectable()
export class BankTransferLedger {
  constructor(private readonly ledger: LedgerService) {}

  async hold(
    tx: EntityManager,
    t: { id: string; userId: string; currency: string; total: bigint; kind: string },
  ) {
    const [account] = await this.ledger.openUserAccounts(tx, t.userId, [t.currency]);
    const suspense = await this.ledger.systemAccount(tx, 'suspense', t.currency, BANK_OUTBOUND_SUSPENSE);
    return this.ledger.placeHold(tx, {
      accountId: account.id,
      counterAccountId: suspense.id,
      currency: t.currency,
      amount: t.total,
      kind: t.kind,
      reference: t.id,
    });
  }

  async voidHold(tx: EntityManager, holdId: string): Promise<void> {
    await this.ledger.voidHold(tx, holdId);
  }

  async settle(tx: EntityManager, t: BankTransfer): Promise<string> {
    const [user] = await this.ledger.openUserAccounts(tx, t.userId, [t.currency]);
    const clearing = await this.ledger.systemAccount(
      tx,
      'provider_clearing',
      t.currency,
      clearingQualifier(t.rail),
    );
    const fees = await this.ledger.systemAccount(tx, 'fees', t.currency, BANK_FEES);
    const kind = `bank_${t.rail}_${t.direction}`;
    const entries = [];
    if (t.direction === 'deposit') {
      entries.push(
        { accountId: clearing.id, currency: t.currency, amount: -t.amount },
        { accountId: user.id, currency: t.currency, amount: t.amount - t.fee },
      );
    } else {
      if (!t.holdId) throw new Error(`Bank withdrawal ${t.id} has no hold`);
      await this.ledger.postHold(tx, t.holdId);
      const suspense = await this.ledger.systemAccount(tx, 'suspense', t.currency, BANK_OUTBOUND_SUSPENSE);
      entries.push(
        { accountId: suspense.id, currency: t.currency, amount: -(t.amount + t.fee) },
        { accountId: clearing.id, currency: t.currency, amount: t.amount },
      );
    }
    if (t.fee > 0n) entries.push({ accountId: fees.id, currency: t.currency, amount: t.fee });
    const { transactionId } = await this.ledger.post(tx, {
      kind,
      reference: t.id,
      metadata: { rail: t.rail, direction: t.direction, fee: t.fee.toString() },
      entries,
    });
    return transactionId;
  }

  /** Reverses a settled transfer; the wallet's change (unsigned) and any receivable. */
  async reverse(
    tx: EntityManager,
    t: BankTransfer,
    returnCode: string,
  ): Promise<{ transactionId: string; reversed: bigint; receivable: bigint }> {
    const [user] = await this.ledger.openUserAccounts(tx, t.userId, [t.currency]);
    const clearing = await this.ledger.systemAccount(
      tx,
      'provider_clearing',
      t.currency,
      clearingQualifier(t.rail),
    );
    const fees = await this.ledger.systemAccount(tx, 'fees', t.currency, BANK_FEES);
    const entries = [];
    let reversed: bigint;
    let receivable = 0n;
    if (t.direction === 'deposit') {
      const credited = t.amount - t.fee;
      const balance = (await this.ledger.balances(tx, t.userId)).find((b) => b.currency === t.currency);
      const available = balance && balance.available > 0n ? balance.available : 0n;
      reversed = credited <= available ? credited : available;
      receivable = credited - reversed;
      entries.push({ accountId: clearing.id, currency: t.currency, amount: t.amount });
      if (reversed > 0n) entries.push({ accountId: user.id, currency: t.currency, amount: -reversed });
      if (receivable > 0n) {
        const receivables = await this.ledger.systemAccount(tx, 'suspense', t.currency, BANK_RECEIVABLES);
        entries.push({ accountId: receivables.id, currency: t.currency, amount: -receivable });
      }
    } else {
      reversed = t.amount + t.fee;
      entries.push(
        { accountId: clearing.id, currency: t.currency, amount: -t.amount },
        { accountId: user.id, currency: t.currency, amount: reversed },
      );
    }
    if (t.fee > 0n) entries.push({ accountId: fees.id, currency: t.currency, amount: -t.fee });
    const { transactionId } = await this.ledger.post(tx, {
      kind: 'reversal',
      reference: t.id,
      metadata: { reverses: t.ledgerTransactionId, returnCode, receivable: receivable.toString() },
      entries,
    });
    return { transactionId, reversed, receivable };
  }
}
