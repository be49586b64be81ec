import { Module } from '@nestjs/common';
import { WalletModule } from '#monay/wallet';
import { ActivityProjection } from './activity.projection';
import { InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { PortfolioProjection } from './portfolio.projection';
import { ProjectionRebuilder } from './projection-rebuilder';

/** Read models (light context, flat): portfolio and transaction history, projected from domain events. */
@Module({
  imports: [WalletModule],
  controllers: [InsightsController],
  providers: [InsightsRepository, PortfolioProjection, ActivityProjection, ProjectionRebuilder],
  exports: [ProjectionRebuilder, InsightsRepository],
})
export class InsightsModule {}
