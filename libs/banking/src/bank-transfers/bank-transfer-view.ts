import { Money } from '#monay/kernel';
import { CENTS_TO_WALLET, type BankTransfer } from '../domain/bank-transfer';
import { meaningOf } from '../domain/return-codes';

/** Wallet minor units (USDC) as the USD the bank moved. */
export function usd(walletMinor: bigint): string {
  return Money.of(walletMinor / CENTS_TO_WALLET, 'USD').toDecimalString();
}

export function wallet(walletMinor: bigint, currency: string): string {
  return Money.of(walletMinor, currency as 'USDC').toDecimalString();
}

/** What `GET /api/add-money/ach/status/:id` and the other bank transfer routes answer. */
export function bankTransferView(t: BankTransfer) {
  return {
    id: t.id,
    rail: t.rail,
    direction: t.direction,
    speed: t.speed,
    status: t.status,
    amount: usd(t.amount),
    fee: usd(t.fee),
    currency: 'USD',
    walletCurrency: t.currency,
    bankAccountId: t.bankAccountId,
    bankAccount: t.bankAccountLabel,
    expectedSettlementAt: t.expectedSettlementAt.toISOString(),
    cancelBefore: t.cancelBefore?.toISOString() ?? null,
    returnCode: t.returnCode,
    returnReason: meaningOf(t.returnCode),
    createdAt: t.createdAt.toISOString(),
    settledAt: t.settledAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null,
  };
}
