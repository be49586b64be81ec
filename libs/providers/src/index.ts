export { ProvidersModule } from './providers.module';
export * from './domain/stablecoin-provider.port';
export * from './domain/providers.errors';
export * from './domain/webhook-signature';
export * from './routing/routing.types';
export { ProviderRouter } from './routing/provider-router';
export {
  ProviderHealthMonitor,
  type ProviderHealthView,
  type ProviderState,
} from './routing/provider-health-monitor';
export type { BreakerState } from './routing/provider-call-guard';
export { planRoute, type PlanSkipReason } from './domain/routing-policy';
// The composition root (apps/api main.ts) tells the sandboxes where this process listens, for their webhooks.
export { WebhookTarget } from './sandbox/webhook-target';
export { ProviderWallets, walletKeyOf, type ProviderWalletView } from './provider-wallets/provider-wallets';
export * from './domain/events';
export { isExternalAddress, normalizeAddress } from './domain/external-transfer';
export { InvalidExternalAddressError } from './domain/external-transfer.errors';
export {
  ExternalPayments,
  type ExternalBatchRequest,
  type ExternalTransferRequest,
} from './movements/external-payments';
export type {
  BatchRecipientResult,
  ExternalBatchLeg,
  InternalBatchBooked,
  InternalBatchLeg,
  InternalBatchPart,
} from './movements/send-external-batch/send-external-batch.command';
export {
  INTERNAL_BATCH_BOOKING,
  type InternalBatchBooking,
} from './movements/send-external-batch/internal-batch-booking.port';
export type { ExternalTransferStatus } from './movements/get-external-transfer/get-external-transfer.query';
export type { ExternalTransferEstimate } from './movements/estimate-external-transfer/estimate-external-transfer.query';
export type { ExternalTransferView } from './movements/external-transfer-view';
export type {
  ReconciliationReportView,
  ReconciliationStatus,
  ReconciliationTrigger,
  DiscrepancyView,
  BalanceLineView,
  ProviderReportView,
} from './domain/reconciliation';
export { EXCEPTIONS_SUSPENSE } from './domain/movement-exception';
export type { MovementExceptionView } from './movements/movement-exception-view';
