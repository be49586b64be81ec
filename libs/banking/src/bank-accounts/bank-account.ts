export type BankAccountStatus =
  'pending_verification' | 'verified' | 'needs_review' | 'verification_failed' | 'unverified' | 'removed';

export interface BankAccount {
  id: string;
  userId: string;
  source: 'instant' | 'manual';
  institutionName: string;
  holderName: string;
  accountType: 'checking' | 'savings';
  routingNumber: string;
  accountMask: string;
  status: BankAccountStatus;
  statusReason: string | null;
  vendorFundingSourceId: string | null;
  verifyAttempts: number;
  ownership: Record<string, unknown> | null;
  microDepositsAvailableAt: Date | null;
  createdAt: Date;
}

/** What a client sees: never the account number, only its last four digits. */
export function bankAccountView(account: BankAccount) {
  return {
    id: account.id,
    source: account.source,
    institutionName: account.institutionName,
    holderName: account.holderName,
    type: account.accountType,
    routingNumber: account.routingNumber,
    mask: account.accountMask,
    status: account.status,
    statusReason: account.statusReason,
    ownership: account.ownership,
    microDeposits:
      account.source === 'manual'
        ? {
            availableAt: account.microDepositsAvailableAt?.toISOString() ?? null,
            attemptsLeft: Math.max(0, 3 - account.verifyAttempts),
          }
        : null,
    createdAt: account.createdAt.toISOString(),
  };
}

export function labelOf(account: Pick<BankAccount, 'institutionName' | 'accountMask'>): string {
  return `${account.institutionName} ••${account.accountMask}`;
}
