import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { AccountCipher } from './bank-accounts/account-cipher';
import { BankAccountRepository } from './bank-accounts/bank-account.repository';
import { BankAccounts } from './bank-accounts/bank-accounts';
import { BankAccountsController } from './bank-accounts/bank-accounts.controller';
import { BillPay } from './bill-pay/bill-pay';
import { BillPayController } from './bill-pay/bill-pay.controller';
import { BillPayRepository } from './bill-pay/bill-pay.repository';
import { BankSettlementProcessor } from './bank-transfers/bank-settlement.processor';
import { BankTransferEngine } from './bank-transfers/bank-transfer-engine';
import { BankTransferLedger } from './bank-transfers/bank-transfer-ledger';
import { BankTransferRepository } from './bank-transfers/bank-transfer.repository';
import { BankTransfersController } from './bank-transfers/bank-transfers.controller';
import { BankWebhooksController } from './bank-transfers/bank-webhooks.controller';
import { DwollaWebhookHandler } from './bank-transfers/dwolla-webhook.handler';
import { BankingCalendar } from './domain/banking-calendar';
import { AdminBankController } from './reconciliation/admin-bank.controller';
import { BankReconciler } from './reconciliation/bank-reconciler';
import { ACCOUNT_LINK_VENDOR } from './vendors/account-link.port';
import { BANK_RAIL_VENDOR } from './vendors/bank-rail.port';
import { DwollaSandbox } from './vendors/sandbox/dwolla-sandbox';
import { DwollaSandboxRepository } from './vendors/sandbox/dwolla-sandbox.repository';
import { DwollaSandboxWebhooks } from './vendors/sandbox/dwolla-sandbox-webhooks';
import { PlaidSandbox } from './vendors/sandbox/plaid-sandbox';

/**
 * Bank rails (docs/architecture.md, "Bank rails"): linked bank accounts (Plaid-shaped instant verification with an
 * identity match, micro-deposits), ACH add-money and withdrawal and wires on a Dwolla-shaped vendor, settled on the
 * banking calendar by due work, returns reversed with new ledger transactions, signed webhooks, and reconciliation of
 * each rail's clearing account.
 */
@Module({
  imports: [IdentityModule, WalletModule, LedgerModule],
  controllers: [
    BankAccountsController,
    BankTransfersController,
    BankWebhooksController,
    BillPayController,
    AdminBankController,
  ],
  providers: [
    { provide: BankingCalendar, useValue: new BankingCalendar() },
    AccountCipher,
    BankAccountRepository,
    BankAccounts,
    BankTransferRepository,
    BankTransferLedger,
    BankTransferEngine,
    BankSettlementProcessor,
    DwollaWebhookHandler,
    BankReconciler,
    BillPayRepository,
    BillPay,
    DwollaSandboxRepository,
    DwollaSandboxWebhooks,
    DwollaSandbox,
    PlaidSandbox,
    { provide: BANK_RAIL_VENDOR, useExisting: DwollaSandbox },
    { provide: ACCOUNT_LINK_VENDOR, useExisting: PlaidSandbox },
  ],
})
export class BankingModule {}
