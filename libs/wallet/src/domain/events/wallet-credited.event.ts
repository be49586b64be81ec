/**
 * Money arrived in a wallet from outside (the in-house deposit rail, before deposits went through providers:
 * see `DepositCompleted` in libs/providers). No longer written; kept so that journals holding it still project.
 * Amounts are decimal strings.
 */
export const WalletCredited = 'WalletCredited';

export interface WalletCreditedPayload extends Record<string, unknown> {
  userId: string;
  currency: string;
  amount: string;
  fee: string;
  provider: string;
  ledgerTransactionId: string;
}
