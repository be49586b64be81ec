import { Module } from '@nestjs/common';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { ActivityProjection } from './activity.projection';
import { InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { PortfolioProjection } from './portfolio.projection';
import { ProjectionRebuilder } from './projection-rebuilder';
import { ReconciliationProcessor } from './reconciliation.processor';

/** Read models (light context, flat): portfolio and transaction history, projected from domain events. */
@Module({
  imports: [WalletModule, LedgerModule],
  controllers: [InsightsController],
  providers: [
    InsightsRepository,
    PortfolioProjection,
    ActivityProjection,
    ProjectionRebuilder,
    ReconciliationProcessor,
  ],
  exports: [ProjectionRebuilder, InsightsRepository],
})
export class InsightsModule {}
