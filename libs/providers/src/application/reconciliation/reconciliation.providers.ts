import type { Provider, Type } from '@nestjs/common';
import { ReconciliationRepository } from '../../infrastructure/reconciliation/reconciliation.repository';
import { AdminReconciliationController } from '../../interface/http/admin-reconciliation.controller';
import { LedgerInvariantCheck, ProviderReconciler } from './provider-reconciler';
import { ReconcileProvidersProcessor } from './reconcile-providers.processor';

export const RECONCILIATION_PROVIDERS: Provider[] = [
  ReconciliationRepository,
  LedgerInvariantCheck,
  ProviderReconciler,
  ReconcileProvidersProcessor,
];
export const RECONCILIATION_CONTROLLERS: Type[] = [AdminReconciliationController];
