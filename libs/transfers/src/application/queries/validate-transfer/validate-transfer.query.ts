import { Query } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';

export interface TransferCheck {
  valid: boolean;
  /**
   * A Monay recipient as the sender typed it, masked ("d***@e***.com"): the same whether or not such a user
   * exists, and never the user's id or email; or an external 0x address (paid through a provider).
   */
  recipient: { displayName: string } | { external: true; address: string };
  amount: string;
  currency: string;
  /** What the transfer would cost: Monay's P2P fee, or the estimated fee of the provider tried first. */
  fee: string;
  /** External: the provider the router would try first (null: none can take it right now). */
  provider?: string | null;
  /** External: what a send would hold on top of the amount (the highest fee a candidate may charge). */
  maxFee?: string;
  checks: {
    /** A Monay user matches `to` (internal transfers). */
    recipientFound?: boolean;
    sufficientFunds: boolean;
    withinLimits: boolean;
    velocityOk: boolean;
    /** External: some provider can take it right now. */
    providerAvailable?: boolean;
  };
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
