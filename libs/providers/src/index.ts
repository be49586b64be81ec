export { ProvidersModule } from './providers.module';
export * from './domain/stablecoin-provider.port';
export * from './domain/providers.errors';
export * from './domain/webhook-signature';
export * from './application/routing/routing.types';
export { ProviderRouter } from './application/routing/provider-router';
export {
  ProviderHealthMonitor,
  type ProviderHealthView,
  type ProviderState,
} from './application/routing/provider-health-monitor';
export type { BreakerState } from './application/routing/provider-call-guard';
export { planRoute, type PlanSkipReason } from './domain/routing-policy';
export { SandboxControl } from './infrastructure/sandbox/sandbox-control';
export type { SandboxSettings, SandboxSettingsChange } from './infrastructure/sandbox/sandbox-settings';
export { WebhookTarget } from './infrastructure/sandbox/webhook-target';
export { TEMPO_MEMO_MAX_BYTES } from './infrastructure/sandbox/tempo-wire';
export { isEvmAddress } from './infrastructure/sandbox/evm-address';
export {
  ProviderWallets,
  walletKeyOf,
  type ProviderWalletView,
} from './infrastructure/provider-wallets/provider-wallets';
export * from './domain/events';
export { isExternalAddress, normalizeAddress } from './domain/external-transfer';
export { InvalidExternalAddressError } from './domain/external-transfer.errors';
export { PayoutDestinations } from './application/movements/payout-destinations';
export { SendExternalTransferCommand } from './application/movements/commands/send-external-transfer/send-external-transfer.command';
export {
  SendExternalBatchCommand,
  type BatchInternalPart,
  type BatchRecipientResult,
  type ExternalBatchLeg,
  type InternalBatchBooking,
} from './application/movements/commands/send-external-batch/send-external-batch.command';
export {
  GetExternalTransferQuery,
  type ExternalTransferStatus,
} from './application/movements/queries/get-external-transfer/get-external-transfer.query';
export {
  EstimateExternalTransferQuery,
  type ExternalTransferEstimate,
} from './application/movements/queries/estimate-external-transfer/estimate-external-transfer.query';
export type { ExternalTransferView } from './application/movements/external-transfer-view';
export { ProviderReconciler } from './application/reconciliation/provider-reconciler';
export type {
  ReconciliationReportView,
  ReconciliationStatus,
  ReconciliationTrigger,
  DiscrepancyView,
  BalanceLineView,
  ProviderReportView,
} from './domain/reconciliation';
export { EXCEPTIONS_SUSPENSE } from './domain/movement-exception';
export type { MovementExceptionView } from './application/movements/movement-exception-view';
