import { Module } from '@nestjs/common';
import { IdentityModule } from '#monay/identity';
import { LedgerModule } from '#monay/ledger';
import { WalletModule } from '#monay/wallet';
import { ActivityProjection } from './activity.projection';
import { AdminReferencePricesController } from './analytics/admin-reference-prices.controller';
import { AnalyticsController } from './analytics/analytics.controller';
import { AnalyticsProjection } from './analytics/analytics.projection';
import { AnalyticsQueries } from './analytics/analytics-queries';
import { AnalyticsRepository } from './analytics/analytics.repository';
import { AnalyticsRules } from './analytics/analytics-rules';
import { MovementAnalytics } from './analytics/movement-analytics';
import { ReferencePriceBook, ReferencePriceRepository } from './analytics/reference-prices';
import { TransactionAnalyticsController } from './analytics/transaction-analytics.controller';
import { TransactionExport } from './analytics/transaction-export';
import { InsightsController } from './insights.controller';
import { InsightsRepository } from './insights.repository';
import { PortfolioProjection } from './portfolio.projection';
import { ProjectionRebuilder } from './projection-rebuilder';
import { ReconciliationProcessor } from './reconciliation.processor';

/**
 * Read models (light context, flat): portfolio and transaction history, projected from domain events; spending
 * analytics (analytics/: classified movements, daily rollups, rules, export).
 */
@Module({
  imports: [WalletModule, LedgerModule, IdentityModule],
  controllers: [
    InsightsController,
    AnalyticsController,
    TransactionAnalyticsController,
    AdminReferencePricesController,
  ],
  providers: [
    InsightsRepository,
    PortfolioProjection,
    ActivityProjection,
    AnalyticsRepository,
    ReferencePriceRepository,
    ReferencePriceBook,
    MovementAnalytics,
    AnalyticsProjection,
    AnalyticsQueries,
    AnalyticsRules,
    TransactionExport,
    ProjectionRebuilder,
    ReconciliationProcessor,
  ],
  exports: [ProjectionRebuilder, InsightsRepository],
})
export class InsightsModule {}
