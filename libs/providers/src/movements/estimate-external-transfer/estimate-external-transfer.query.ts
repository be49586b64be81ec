import { Query } from '@nestjs/cqrs';
import type { Money } from '#monay/kernel';
import type { ProviderName } from '../../domain/stablecoin-provider.port';
import type { SkippedProvider } from '../../routing/routing.types';

export interface ExternalTransferEstimate {
  /** The provider the router would try first, or null when none can take it right now. */
  provider: ProviderName | null;
  /** That provider's fee (decimal string), or null. */
  fee: string | null;
  /** What a send would hold on top of the amount: the highest fee a candidate may charge. */
  maxFee: string;
  /** Every provider the router would try, in order. */
  candidates: ProviderName[];
  skipped: SkippedProvider[];
}

/** What an external transfer of `amount` would cost and who would carry it, from the router's plan (no call). */
export class EstimateExternalTransferQuery extends Query<ExternalTransferEstimate> {
  constructor(
    readonly userId: string,
    readonly amount: Money,
  ) {
    super();
  }
}
