import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Money } from '#monay/kernel';
import { WalletReports } from '#monay/wallet';
import { ProviderRouter } from '../../routing/provider-router';
import { MovementEngine } from '../movement-engine';
import { EstimateExternalTransferQuery } from './estimate-external-transfer.query';

@QueryHandler(EstimateExternalTransferQuery)
export class EstimateExternalTransferHandler implements IQueryHandler<EstimateExternalTransferQuery> {
  constructor(
    private readonly router: ProviderRouter,
    private readonly engine: MovementEngine,
    private readonly walletReports: WalletReports,
  ) {}

  async execute({ userId, amount }: EstimateExternalTransferQuery) {
    const preferences = await this.walletReports.preferences(userId);
    const plan = this.router.plan({
      operation: 'transferOut',
      currency: amount.currency.code,
      amount,
      urgency: 'standard',
      ...(preferences.preferredProvider && { preferred: preferences.preferredProvider }),
      smartRouting: preferences.smartRouting,
    });
    const first = plan.candidates[0];
    const adapter = first === undefined ? undefined : this.engine.adapter(first);
    const fee = adapter ? adapter.estimate('transferOut', amount).fee : null;
    const decimal = (minor: bigint) => Money.of(minor, amount.currency.code).toDecimalString();
    return {
      provider: adapter ? adapter.name : null,
      fee: fee === null ? null : decimal(fee),
      maxFee: decimal(this.engine.highestFee('transferOut', amount, plan)),
      candidates: plan.candidates,
      skipped: plan.skipped,
    };
  }
}
