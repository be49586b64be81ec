import { Injectable } from '@nestjs/common';
import { OutboxRelay, UnitOfWork } from '#monay/shared';
import { ActivityProjection } from './activity.projection';
import { InsightsRepository } from './insights.repository';
import { PortfolioProjection } from './portfolio.projection';

/** Rebuilds every insights read model from the event journal, in one transaction. */
@Injectable()
export class ProjectionRebuilder {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly relay: OutboxRelay,
    private readonly repository: InsightsRepository,
    private readonly portfolio: PortfolioProjection,
    private readonly activity: ActivityProjection,
  ) {}

  rebuild(): Promise<number> {
    const consumers = [this.portfolio, this.activity];
    return this.uow.run(async (tx) => {
      await tx.query(`LOCK TABLE portfolio_balances, activity IN EXCLUSIVE MODE`);
      await this.repository.reset(
        tx,
        consumers.map((c) => c.name),
      );
      return this.relay.replay(tx, consumers);
    });
  }
}
