/** A consumer's wallet: its address, KYC level and the limits the user set below their tier's. */
export interface Wallet {
  id: string;
  userId: string;
  /** The wallet's Monay address (`0x` and 40 hex digits), by which others can pay it. */
  address: string;
  kycLevel: number;
  /** The user's own daily limit in USD minor units, or null for the tier's. */
  dailyLimit: bigint | null;
  monthlyLimit: bigint | null;
  createdAt: Date;
}
