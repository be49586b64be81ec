import { Query } from '@nestjs/cqrs';

export interface LimitsReport {
  kycLevel: number;
  perTransaction: string;
  daily: { limit: string; used: string; remaining: string };
  monthly: { limit: string; used: string; remaining: string };
  velocity: { maxPerHour: number; usedThisHour: number };
  /** Deposits, counted apart from what is sent. */
  deposits: {
    perTransaction: string;
    daily: { limit: string; used: string; remaining: string };
    monthly: { limit: string; used: string; remaining: string };
  };
  currency: 'USD';
}

export class GetLimitsQuery extends Query<LimitsReport> {
  constructor(readonly userId: string) {
    super();
  }
}
