export { InsightsModule } from './insights.module';
export { ProjectionRebuilder } from './projection-rebuilder';
export { InsightsRepository } from './insights.repository';
export { ReconciliationProcessor, type ReconciliationReport } from './reconciliation.processor';
