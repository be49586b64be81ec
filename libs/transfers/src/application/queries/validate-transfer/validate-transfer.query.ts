import { Query } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';

export interface TransferCheck {
  valid: boolean;
  recipient: { id: string; displayName: string };
  amount: string;
  currency: string;
  fee: string;
  checks: { sufficientFunds: boolean; withinLimits: boolean; velocityOk: boolean };
}

/** What would happen if this transfer were sent now; moves nothing. */
export class ValidateTransferQuery extends Query<TransferCheck> {
  constructor(
    readonly senderId: string,
    readonly to: string,
    readonly amount: Money,
  ) {
    super();
  }
}
