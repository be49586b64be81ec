import type { IdentityScores } from '../domain/identity-match';

/**
 * Instant account verification (Plaid's shape, ../shared/VENDORS.md §3): the user signs in to their bank, we get the
 * accounts with their numbers (Auth), and Identity Match scores the account holder against the user's identity.
 */
export const ACCOUNT_LINK_VENDOR = Symbol('ACCOUNT_LINK_VENDOR');

export interface Institution {
  id: string;
  name: string;
}

export interface LinkableAccount {
  accountId: string;
  name: string;
  mask: string;
  type: 'checking' | 'savings';
  routingNumber: string;
  accountNumber: string;
  /** Who the bank says holds it (sent on to Dwolla as the funding source name). */
  holderName: string;
}

export interface AccountLinkVendor {
  institutions(): Institution[];
  /** Signs in with the bank's credentials; the accounts the user may pick from. */
  exchange(
    institutionId: string,
    username: string,
    password: string,
  ): Promise<{ itemId: string; accounts: LinkableAccount[] }>;
  /** Plaid `/identity/match`: the holder of `accountId` scored against `user` (null where a side lacks the field). */
  identityMatch(
    itemId: string,
    accountId: string,
    user: { legalName: string | null; email: string | null; phone: string | null },
  ): Promise<IdentityScores>;
}
