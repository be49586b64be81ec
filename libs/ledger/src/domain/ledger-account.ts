export const ACCOUNT_KINDS = [
  'user_wallet',
  'provider_clearing',
  'fees',
  'rewards_pool',
  'swap_pool',
  'suspense',
  'world',
] as const;

export type AccountKind = (typeof ACCOUNT_KINDS)[number];

/** Accounts of the business itself: no owner, may go negative, balance derived from entries. */
export type SystemAccountKind = Exclude<AccountKind, 'user_wallet'>;

/**
 * A ledger account: one owner (or the system), one currency. Immutable once opened; balances are read
 * separately, because a system account's balance is the sum of its entries, not a cached column.
 */
export interface LedgerAccount {
  readonly id: string;
  /** null for system accounts. */
  readonly ownerId: string | null;
  readonly currency: string;
  readonly kind: AccountKind;
  /** Tells system accounts of one kind and currency apart (the provider of a clearing account); '' otherwise. */
  readonly qualifier: string;
  readonly allowNegative: boolean;
  readonly createdAt: Date;
}

/**
 * Whether the account keeps a cached, row-locked balance. User accounts do: they may not go negative, so
 * every debit is a guarded update of their row. System accounts do not: they are hot (every fee, every
 * deposit), may go negative, and their balance is the sum of their entries.
 */
export function keepsCachedBalance(account: Pick<LedgerAccount, 'ownerId'>): boolean {
  return account.ownerId !== null;
}

export interface AccountBalance {
  accountId: string;
  currency: string;
  /** Sum of the account's posted entries, in minor units. */
  posted: bigint;
  /** Reserved by pending holds. */
  pendingDebits: bigint;
  /** posted − pendingDebits: what may still be spent. */
  available: bigint;
}

/** A transaction's kind, e.g. 'p2p_transfer'; any snake_case word is accepted. */
export type LedgerTransactionKind =
  | 'p2p_transfer'
  | 'batch_transfer'
  | 'deposit'
  | 'withdrawal'
  | 'fee'
  | 'swap'
  | 'reward'
  | 'reversal'
  | 'hold'
  | 'card_authorization'
  | (string & {});
