import { Inject, Injectable } from '@nestjs/common';
import { LedgerService } from '#monay/ledger';
import { UnitOfWork } from '#monay/shared';
import { CENTS_TO_WALLET, WALLET_CURRENCY, clearingQualifier } from '../domain/bank-transfer';
import type { Rail } from '../domain/banking-calendar';
import { BillPayRepository } from '../bill-pay/bill-pay.repository';
import { BankTransferRepository } from '../bank-transfers/bank-transfer.repository';
import { usd, wallet } from '../bank-transfers/bank-transfer-view';
import { BANK_RAIL_VENDOR, type BankRailVendor } from '../vendors/bank-rail.port';

const RAILS: Rail[] = ['ach', 'wire'];

export interface BankRailReconciliation {
  rail: Rail | 'billpay';
  /** Our settlement account at the vendor (USD). */
  vendorBalance: string;
  /** The rail's clearing account in the ledger (wallet currency): the negative of the vendor's balance. */
  clearing: string;
  /** What the vendor has done that we have not booked yet (its effect on the clearing account). */
  inTransit: string;
  difference: string;
  ok: boolean;
}

/**
 * Bank rails reconciled like provider clearing accounts: per rail, the vendor's settlement balance against the
 * ledger's clearing account (`provider_clearing` / `bank:<rail>`), which must be its exact negative once the
 * transfers the vendor processed or returned and we have not applied yet are explained by asking the vendor about
 * each of ours still open. No vendor call is made inside a database transaction.
 */
@Injectable()
export class BankReconciler {
  constructor(
    @Inject(BANK_RAIL_VENDOR) private readonly vendor: BankRailVendor,
    private readonly ledger: LedgerService,
    private readonly transfers: BankTransferRepository,
    private readonly uow: UnitOfWork,
    private readonly billPay: BillPayRepository,
  ) {}

  async reconcile(): Promise<{ ok: boolean; rails: BankRailReconciliation[] }> {
    const rails: BankRailReconciliation[] = [];
    for (const rail of RAILS) {
      let inTransit = 0n;
      for (const transfer of await this.transfers.unsettled(rail)) {
        const state = await this.vendor.transfer(transfer.vendorTransferId as string);
        if (!state) continue;
        const sign = transfer.direction === 'deposit' ? -1n : 1n;
        if (transfer.status === 'pending' && state.status === 'processed')
          inTransit += sign * transfer.amount;
        if (transfer.status === 'processed' && state.status === 'failed') inTransit -= sign * transfer.amount;
      }
      const vendorCents = await this.vendor.settlementBalance(rail);
      const clearing = await this.ledger.systemBalance(
        this.uow.manager,
        WALLET_CURRENCY,
        'provider_clearing',
        clearingQualifier(rail),
      );
      const difference = clearing + inTransit + vendorCents * CENTS_TO_WALLET;
      rails.push({
        rail,
        vendorBalance: usd(vendorCents * CENTS_TO_WALLET),
        clearing: wallet(clearing, WALLET_CURRENCY),
        inTransit: wallet(inTransit, WALLET_CURRENCY),
        difference: wallet(difference, WALLET_CURRENCY),
        ok: difference === 0n,
      });
    }
    // Bill pay: what it sent billers (and was not reversed) left our account; its clearing account mirrors it.
    const sent = await this.billPay.sentTotal(WALLET_CURRENCY);
    const billClearing = await this.ledger.systemBalance(
      this.uow.manager,
      WALLET_CURRENCY,
      'provider_clearing',
      clearingQualifier('billpay'),
    );
    rails.push({
      rail: 'billpay',
      vendorBalance: usd(-sent),
      clearing: wallet(billClearing, WALLET_CURRENCY),
      inTransit: wallet(0n, WALLET_CURRENCY),
      difference: wallet(billClearing - sent, WALLET_CURRENCY),
      ok: billClearing === sent,
    });
    return { ok: rails.every((line) => line.ok), rails };
  }
}
