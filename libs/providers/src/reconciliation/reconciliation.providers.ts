import type { Provider, Type } from '@nestjs/common';
import { ReconciliationRepository } from './reconciliation.repository';
import { AdminReconciliationController } from './run-reconciliation/run-reconciliation.controller';
import { LedgerInvariantCheck, ProviderReconciler } from './provider-reconciler';
import { ReconcileProvidersProcessor } from './reconcile-providers.processor';

export const RECONCILIATION_PROVIDERS: Provider[] = [
  ReconciliationRepository,
  LedgerInvariantCheck,
  ProviderReconciler,
  ReconcileProvidersProcessor,
];
export const RECONCILIATION_CONTROLLERS: Type[] = [AdminReconciliationController];
