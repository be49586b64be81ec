export { InsightsModule } from './insights.module';
export { ProjectionRebuilder } from './projection-rebuilder';
export { InsightsRepository } from './insights.repository';
export { ReconciliationProcessor, type ReconciliationReport } from './reconciliation.processor';
export {
  historyOf,
  isMoneyMovement,
  MONEY_MOVEMENT_EVENT_TYPES,
  type BalanceTouch,
  type HistoryLine,
  type HistoryLineType,
  type HistoryStatus,
  type MovementView,
  type PostedDelta,
} from './history';
