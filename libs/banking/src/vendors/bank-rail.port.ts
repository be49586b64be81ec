import type { Rail } from '../domain/banking-calendar';

/**
 * The bank rail vendor (Dwolla's shape, ../shared/VENDORS.md §3): funding sources (the user's bank accounts) with
 * micro-deposit verification, and transfers that stay pending until the vendor processes them on the banking
 * clock, then are processed, failed (returned before settlement) or, later, failed after processing (a return).
 * Every call carries our key; a transfer is created once per key.
 */
export const BANK_RAIL_VENDOR = Symbol('BANK_RAIL_VENDOR');

export type VendorTransferStatus = 'pending' | 'processed' | 'cancelled' | 'failed';
export type VendorClearing = 'standard' | 'next-available' | 'wire';

export interface VendorFundingSource {
  id: string;
  status: 'unverified' | 'verified' | 'removed';
  microDeposits: {
    status: 'pending' | 'processed' | 'failed';
    availableAt: Date | null;
    attempts: number;
  } | null;
}

export interface VendorTransfer {
  id: string;
  status: VendorTransferStatus;
  /** The R-code of a failure (before or after processing). */
  failureCode: string | null;
  processedAt: Date | null;
  failedAt: Date | null;
  amountCents: bigint;
}

export interface BankRailVendor {
  readonly vendor: string;
  createFundingSource(input: {
    routingNumber: string;
    accountNumber: string;
    type: 'checking' | 'savings';
    name: string;
    /** Verified through instant account verification (Plaid): no micro-deposits needed. */
    verified: boolean;
  }): Promise<VendorFundingSource>;
  fundingSource(id: string): Promise<VendorFundingSource | null>;
  initiateMicroDeposits(fundingSourceId: string, now: Date): Promise<VendorFundingSource>;
  /** Dwolla answers 200 when they match, else an error and one attempt used; after three: failed. */
  verifyMicroDeposits(
    fundingSourceId: string,
    amount1Cents: number,
    amount2Cents: number,
  ): Promise<{ verified: boolean; source: VendorFundingSource }>;
  /** Marks the funding source unverified (R03/R04) or removed (R02, or the user removed it). */
  setFundingSourceStatus(fundingSourceId: string, status: 'unverified' | 'removed'): Promise<void>;
  createTransfer(input: {
    idempotencyKey: string;
    fundingSourceId: string;
    /** debit: pull from the user's bank (money in); credit: push to it (money out). */
    direction: 'debit' | 'credit';
    rail: Rail;
    clearing: VendorClearing;
    amountCents: bigint;
    now: Date;
  }): Promise<VendorTransfer>;
  transfer(id: string): Promise<VendorTransfer | null>;
  /** Cancels a pending transfer (Dwolla: until its cut-off); answers the transfer as it stands. */
  cancelTransfer(id: string): Promise<VendorTransfer>;
  /**
   * Our settlement account at the vendor, for a rail: debits processed in, minus credits processed out, with
   * returns taken back (cents).
   */
  settlementBalance(rail: Rail): Promise<bigint>;
  /** A sandbox's own clock: what the vendor has done by `now` (the real vendor does it by itself). */
  runDue?(now: Date): Promise<number>;
}
