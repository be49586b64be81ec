import { Injectable } from '@nestjs/common';
import { OutboxRelay, UnitOfWork } from '#monay/shared';
import { ActivityProjection } from './activity.projection';
import { AnalyticsProjection } from './analytics/analytics.projection';
import { AnalyticsRepository } from './analytics/analytics.repository';
import { InsightsRepository } from './insights.repository';
import { PortfolioProjection } from './portfolio.projection';

/**
 * Rebuilds every insights read model from the event journal, in one transaction. Analytics' user data (rules,
 * corrections) and the daily reference prices are kept, and applied again as the movements are replayed.
 */
@Injectable()
export class ProjectionRebuilder {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly relay: OutboxRelay,
    private readonly repository: InsightsRepository,
    private readonly analyticsRepository: AnalyticsRepository,
    private readonly portfolio: PortfolioProjection,
    private readonly activity: ActivityProjection,
    private readonly analytics: AnalyticsProjection,
  ) {}

  rebuild(): Promise<number> {
    const consumers = [this.portfolio, this.activity, this.analytics];
    return this.uow.run(async (tx) => {
      await tx.query(
        `LOCK TABLE portfolio_balances, activity, analytics_users, analytics_movements, analytics_daily,
              analytics_weekly, analytics_monthly, analytics_payees IN EXCLUSIVE MODE`,
      );
      await this.repository.reset(
        tx,
        consumers.map((c) => c.name),
      );
      await this.analyticsRepository.reset(tx);
      return this.relay.replay(tx, consumers);
    });
  }
}
