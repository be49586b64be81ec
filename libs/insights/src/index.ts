export { InsightsModule } from './insights.module';
export { ProjectionRebuilder } from './projection-rebuilder';
export { InsightsRepository } from './insights.repository';
