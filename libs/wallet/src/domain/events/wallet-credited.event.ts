/** Money arrived in a wallet from outside (a deposit). Amounts are decimal strings. */
export const WalletCredited = 'WalletCredited';

export interface WalletCreditedPayload extends Record<string, unknown> {
  userId: string;
  currency: string;
  amount: string;
  fee: string;
  provider: string;
  ledgerTransactionId: string;
}
