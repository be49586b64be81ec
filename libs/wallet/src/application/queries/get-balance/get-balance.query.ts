import { Query } from '@nestjs/cqrs';

export interface BalanceReport {
  balances: Array<{ currency: string; available: string; pending: string; total: string }>;
  totalUSD: string;
}

export class GetBalanceQuery extends Query<BalanceReport> {
  constructor(readonly userId: string) {
    super();
  }
}
