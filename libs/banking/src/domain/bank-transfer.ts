import type { Rail } from './banking-calendar';

export type BankTransferStatus = 'pending' | 'processed' | 'failed' | 'cancelled' | 'returned';
export type BankTransferSpeed = 'standard' | 'same_day' | 'wire';
export type BankTransferDirection = 'deposit' | 'withdrawal';

/** The wallet currency the rails credit and debit: USD at the bank is USDC in the wallet, 1:1. */
export const WALLET_CURRENCY = 'USDC';
/** USD cents → USDC minor units (6 decimals). */
export const CENTS_TO_WALLET = 10_000n;

/** The rail's fee, in USD cents, by speed (booked to the fees account; withheld from deposits, on top of withdrawals). */
export const RAIL_FEES_CENTS: Record<BankTransferSpeed, bigint> = {
  standard: 25n,
  same_day: 150n,
  wire: 1500n,
};

export interface BankTransfer {
  id: string;
  userId: string;
  bankAccountId: string;
  rail: Rail;
  direction: BankTransferDirection;
  speed: BankTransferSpeed;
  status: BankTransferStatus;
  /** USDC minor units. */
  amount: bigint;
  fee: bigint;
  currency: string;
  holdId: string | null;
  ledgerTransactionId: string | null;
  reversalTransactionId: string | null;
  vendorTransferId: string | null;
  returnCode: string | null;
  bankAccountLabel: string;
  expectedSettlementAt: Date;
  cancelBefore: Date | null;
  nextCheckAt: Date | null;
  createdAt: Date;
  settledAt: Date | null;
  closedAt: Date | null;
}

/** The clearing account of a rail (a `provider_clearing` system account; qualifier `bank:<rail>`). */
export function clearingQualifier(rail: Rail | 'billpay'): string {
  return `bank:${rail}`;
}
